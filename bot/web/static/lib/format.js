// @ts-check
/** Times and durations as a Chinese service desk writes them. */

const pad = (/** @type {number} */ n) => (n < 10 ? "0" : "") + n;

/**
 * "14:05" for an ISO time or a Date.
 * @param {string | Date | null | undefined} when
 */
export function clock(when) {
  if (!when) return "";
  const d = when instanceof Date ? when : new Date(when);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/**
 * "2026/12/7 14:05:00": full local date and time.
 * @param {string | null | undefined} iso
 */
export const dateTime = (iso) => (iso ? new Date(iso).toLocaleString("zh-CN", { hour12: false }) : "");

/**
 * How long ago: "42 秒", "3 分 5 秒", "1 小时 2 分".
 * @param {string | null | undefined} iso
 */
export function since(iso) {
  const s = Math.max(0, Math.floor((Date.now() - new Date(iso || Date.now()).getTime()) / 1000));
  if (s < 60) return `${s} 秒`;
  if (s < 3600) return `${Math.floor(s / 60)} 分 ${s % 60} 秒`;
  return `${Math.floor(s / 3600)} 小时 ${Math.floor((s % 3600) / 60)} 分`;
}

/**
 * A chat divider: "14:05" today, "昨天 14:05", "3月2日 14:05", "2025年3月2日 14:05".
 * @param {Date} d
 */
export function dayTime(d) {
  const now = new Date();
  const hm = clock(d);
  if (d.toDateString() === now.toDateString()) return hm;
  const y = new Date(now);
  y.setDate(now.getDate() - 1);
  if (d.toDateString() === y.toDateString()) return `昨天 ${hm}`;
  if (d.getFullYear() === now.getFullYear()) return `${d.getMonth() + 1}月${d.getDate()}日 ${hm}`;
  return `${d.getFullYear()}年${d.getMonth() + 1}月${d.getDate()}日 ${hm}`;
}

/** A random UUID v4, also where crypto.randomUUID is missing (plain-http pages). */
export function uuid() {
  if (typeof crypto.randomUUID === "function") {
    try {
      return crypto.randomUUID();
    } catch {
      /* insecure context */
    }
  }
  const b = new Uint8Array(16);
  crypto.getRandomValues(b);
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => (x + 256).toString(16).slice(1)).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

// @ts-check
/**
 * New-chat alerts while the console is in the background: a sound, a browser notification and
 * a count in the tab title, each switchable (kept in localStorage).
 */
import { byId } from "../lib/dom.js";

const KEY = "kefu.agent.alerts";
const TITLE = document.title;

/** Public for tests: the switches and what was fired since the console was last looked at. */
export const alerts = { sound: true, notify: true, title: true, unseen: 0, sounds: 0, notifications: 0 };

try {
  Object.assign(alerts, JSON.parse(localStorage.getItem(KEY) || "{}"), { unseen: 0, sounds: 0, notifications: 0 });
} catch {
  /* defaults */
}

const inBackground = () => document.hidden || !document.hasFocus();

/** @type {AudioContext | null} */
let audio = null;

/** Two short tones, made here: no sound file to ship or to fail loading. */
function chime() {
  try {
    audio ||= new AudioContext();
    for (const [freq, at] of [[880, 0], [1320, 0.18]]) {
      const osc = audio.createOscillator();
      const gain = audio.createGain();
      osc.frequency.value = freq;
      gain.gain.setValueAtTime(0.15, audio.currentTime + at);
      gain.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + at + 0.16);
      osc.connect(gain).connect(audio.destination);
      osc.start(audio.currentTime + at);
      osc.stop(audio.currentTime + at + 0.17);
    }
    alerts.sounds += 1;
  } catch {
    /* no audio device */
  }
}

function showCount() {
  document.title = alerts.title && alerts.unseen ? `(${alerts.unseen}) ${TITLE}` : TITLE;
}

/**
 * Tell the engineer something needs them, if they are not looking at the console.
 * @param {string} text e.g. 新会话：王先生
 * @param {string} tag one notification per conversation (a newer one replaces it)
 */
export function raise(text, tag) {
  if (!inBackground()) return;
  alerts.unseen += 1;
  showCount();
  if (alerts.sound) chime();
  if (alerts.notify && "Notification" in window && Notification.permission === "granted") {
    const n = new Notification("星岚客服 · 坐席工作台", { body: text, tag });
    n.onclick = () => {
      window.focus();
      n.close();
    };
    alerts.notifications += 1;
  }
}

function seen() {
  if (inBackground()) return;
  alerts.unseen = 0;
  showCount();
}

export function initAlerts() {
  for (const kind of /** @type {const} */ (["sound", "notify", "title"])) {
    const box = byId(`alert-${kind}`, HTMLInputElement);
    box.checked = alerts[kind];
    box.addEventListener("change", async () => {
      alerts[kind] = box.checked;
      if (kind === "notify" && box.checked && "Notification" in window && Notification.permission === "default") {
        await Notification.requestPermission();
      }
      localStorage.setItem(KEY, JSON.stringify({ sound: alerts.sound, notify: alerts.notify, title: alerts.title }));
      showCount();
    });
  }
  document.addEventListener("visibilitychange", seen);
  window.addEventListener("focus", seen);
}

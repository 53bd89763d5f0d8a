// @ts-check
/** A line-by-line diff of two texts (longest common subsequence), for the reviewer. */

/** @typedef {{op: "=" | "+" | "-", text: string}} Line */

/**
 * The lines of `after` against `before`: kept (=), added (+), removed (-), in reading order.
 * @param {string} before
 * @param {string} after
 * @returns {Line[]}
 */
export function lineDiff(before, after) {
  const a = before.split("\n");
  const b = after.split("\n");
  // lcs[i][j]: length of the longest common subsequence of a[i:] and b[j:]
  const lcs = Array.from({ length: a.length + 1 }, () => new Array(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
    }
  }
  /** @type {Line[]} */
  const out = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      out.push({ op: "=", text: a[i] });
      i++;
      j++;
    } else if (lcs[i + 1][j] >= lcs[i][j + 1]) out.push({ op: "-", text: a[i++] });
    else out.push({ op: "+", text: b[j++] });
  }
  while (i < a.length) out.push({ op: "-", text: a[i++] });
  while (j < b.length) out.push({ op: "+", text: b[j++] });
  return out;
}

/**
 * The changed lines with one line of context around each run; `null` marks skipped lines.
 * @param {Line[]} lines
 * @returns {(Line | null)[]}
 */
export function withContext(lines) {
  const changed = (/** @type {number} */ k) => !!lines[k] && lines[k].op !== "=";
  const keep = lines.map((_, k) => changed(k) || changed(k - 1) || changed(k + 1));
  /** @type {(Line | null)[]} */
  const out = [];
  lines.forEach((l, k) => {
    if (keep[k]) out.push(l);
    else if (out[out.length - 1] !== null) out.push(null);
  });
  return out;
}

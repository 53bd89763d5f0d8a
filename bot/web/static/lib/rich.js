// @ts-check
/** Message text with **bold**, [title](url) and bare http(s) links, built as DOM nodes. */
import { el, safeUrl } from "./dom.js";

const RICH = /\*\*([^*\n]+)\*\*|\[([^\]\n]+)\]\((https?:\/\/[^)\s]+)\)|(https?:\/\/[^\s<>"'，。；！？、）)】]+)/g;

/**
 * Append `text` to `parent` as text nodes, <strong> and safe <a> elements (never markup).
 * @param {Node} parent
 * @param {string} text
 */
export function appendRich(parent, text) {
  let last = 0;
  for (const m of text.matchAll(RICH)) {
    const at = m.index ?? 0;
    if (at > last) parent.appendChild(document.createTextNode(text.slice(last, at)));
    if (m[1] != null) {
      parent.appendChild(el("strong", null, m[1]));
    } else {
      const href = safeUrl(m[3] || m[4]);
      if (href) {
        const a = el("a", null, m[2] || m[4]);
        a.href = href;
        a.target = "_blank";
        a.rel = "noopener noreferrer";
        parent.appendChild(a);
      } else {
        parent.appendChild(document.createTextNode(m[0]));
      }
    }
    last = at + m[0].length;
  }
  if (last < text.length) parent.appendChild(document.createTextNode(text.slice(last)));
}

// @ts-check
/** DOM helpers shared by every page: finding, building and clearing elements. */

/**
 * The element with this id; throws when the page lacks it (a broken page, not a user error).
 * @template {HTMLElement} [T=HTMLElement]
 * @param {string} id
 * @param {new (...args: any[]) => T} [kind] the element's class, checked at run time
 * @returns {T}
 */
export function byId(id, kind) {
  const node = document.getElementById(id);
  if (!node) throw new Error(`page element #${id} is missing`);
  if (kind && !(node instanceof kind)) throw new Error(`page element #${id} is a ${node.tagName}, not a ${kind.name}`);
  return /** @type {T} */ (node);
}

/**
 * @param {string} selector
 * @param {ParentNode} [root]
 * @returns {HTMLElement | null}
 */
export const $ = (selector, root = document) => root.querySelector(selector);

/**
 * @param {string} selector
 * @param {ParentNode} [root]
 * @returns {HTMLElement[]}
 */
export const $$ = (selector, root = document) => [...root.querySelectorAll(selector)].map((n) => /** @type {HTMLElement} */ (n));

/**
 * A new element with an optional class and text (text, never markup).
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {string | null} [cls]
 * @param {string | number | null} [text]
 * @returns {HTMLElementTagNameMap[K]}
 */
export function el(tag, cls, text) {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  if (text != null) node.textContent = String(text);
  return node;
}

/**
 * @template {Node} N
 * @param {N} node
 * @returns {N}
 */
export function clear(node) {
  while (node.firstChild) node.removeChild(node.firstChild);
  return node;
}

/**
 * An absolute http(s) URL, or null for anything else (javascript:, data:, garbage).
 * @param {unknown} url
 * @returns {string | null}
 */
export function safeUrl(url) {
  if (typeof url !== "string" || !url) return null;
  try {
    const u = new URL(url, window.location.href);
    return u.protocol === "http:" || u.protocol === "https:" ? u.href : null;
  } catch {
    return null;
  }
}

const SVG = "http://www.w3.org/2000/svg";

/**
 * A one-path icon in the current text colour, hidden from screen readers.
 * @param {string} d the path
 * @param {number} size pixels
 * @param {string} [viewBox]
 * @returns {SVGSVGElement}
 */
export function icon(d, size, viewBox = "0 0 24 24") {
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", viewBox);
  svg.setAttribute("width", String(size));
  svg.setAttribute("height", String(size));
  svg.setAttribute("aria-hidden", "true");
  const path = document.createElementNS(SVG, "path");
  path.setAttribute("d", d);
  path.setAttribute("fill", "currentColor");
  svg.appendChild(path);
  return svg;
}

/**
 * Enter sends, Shift+Enter is a newline; never send while a Chinese IME is composing.
 * @param {HTMLElement} field
 * @param {() => void} send
 */
export function enterSends(field, send) {
  field.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing && e.keyCode !== 229) {
      e.preventDefault();
      send();
    }
  });
}

/** The number of characters as Python's len() counts them (code points). */
export const charCount = (/** @type {string} */ s) => Array.from(s).length;

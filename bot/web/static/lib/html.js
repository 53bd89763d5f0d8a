// @ts-check
/**
 * The pages' renderer: lit-html 3.3.3 (vendor/lit-html, BSD-3-Clause). Values in `html`
 * templates are escaped as text or set as properties, so data never becomes markup.
 */
import { render } from "../vendor/lit-html/lit-html.js";

export { html, nothing, render, svg } from "../vendor/lit-html/lit-html.js";

/** @type {WeakSet<Element>} containers whose content lit-html owns */
const owned = new WeakSet();

/**
 * Render into a container, dropping the page's placeholder content the first time.
 * @param {unknown} value a template, an array of them, text or `nothing`
 * @param {HTMLElement} container
 */
export function show(value, container) {
  if (!owned.has(container)) {
    container.replaceChildren();
    owned.add(container);
  }
  render(value, container);
}

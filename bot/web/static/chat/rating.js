// @ts-check
/** After an engineer closed: 1-5 stars and an optional comment. */
import { el } from "../lib/dom.js";

/**
 * The rating card for one handoff.
 * @param {number} handoff
 * @param {(score: number, comment: string) => boolean} submit false when it could not be sent
 * @returns {HTMLFormElement}
 */
export function ratingCard(handoff, submit) {
  const card = el("form", "rating");
  card.dataset.handoff = String(handoff);
  const stars = el("div", "rating__stars");
  stars.setAttribute("role", "radiogroup");
  stars.setAttribute("aria-label", "服务评分");
  const comment = el("textarea", "rating__comment");
  comment.rows = 2;
  comment.maxLength = 500;
  comment.placeholder = "还有什么想对我们说的？（选填）";
  comment.setAttribute("aria-label", "评价内容（选填）");
  const send = el("button", "rating__submit", "提交评价");
  send.type = "submit";
  send.disabled = true;
  let score = 0;
  for (let value = 1; value <= 5; value++) {
    const b = el("button", "rating__star", "★");
    b.type = "button";
    b.dataset.score = String(value);
    b.setAttribute("aria-label", `${value} 分`);
    b.addEventListener("click", () => {
      score = value;
      for (const x of stars.querySelectorAll(".rating__star")) {
        x.classList.toggle("is-on", Number(/** @type {HTMLElement} */ (x).dataset.score) <= value);
      }
      send.disabled = false;
    });
    stars.appendChild(b);
  }
  card.append(stars, comment, send);
  card.addEventListener("submit", (e) => {
    e.preventDefault();
    if (!score) return;
    if (submit(score, comment.value.trim())) {
      for (const x of card.querySelectorAll("button, textarea")) /** @type {HTMLButtonElement} */ (x).disabled = true;
      card.classList.add("is-sent");
    }
  });
  return card;
}

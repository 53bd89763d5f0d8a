"""Plain-text rendering for channels without buttons: numbered choices, length limits.

A channel such as WeChat shows text only. Buttons become a numbered list the user answers by
typing the number, and answers longer than one message are split, or shortened when they
would need too many messages.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from typing import Any

from bot.gateway.types import Button, Outbound

_NUMBER = re.compile(r"^\s*(\d{1,2})\s*[.。、)）]?\s*$")
# Cut long text preferably at paragraphs, then lines, then sentence ends, then anywhere.
_BREAKS = ("\n\n", "\n", "。", "！", "？", "；", "，", " ")


def turn_buttons(replies: Sequence[Outbound]) -> list[Button]:
    """All buttons of one turn, in the order they are numbered."""
    return [b for r in replies for b in r.buttons]


def render_turn(replies: Sequence[Outbound], choices_hint: str) -> str:
    """One text for a whole turn: the messages, their links, then the numbered choices."""
    parts = [_with_links(r) for r in replies if r.text or _links(r)]
    buttons = turn_buttons(replies)
    if buttons:
        lines = [f"{i}. {b['title']}" for i, b in enumerate(buttons, start=1)]
        parts.append("\n".join([choices_hint, *lines]))
    return "\n\n".join(p for p in parts if p)


def _links(reply: Outbound) -> list[dict[str, Any]]:
    links = reply.public_custom().get("links") or []
    return [x for x in links if isinstance(x, dict) and x.get("url")]


def _with_links(reply: Outbound) -> str:
    # WeChat text messages show <a href> as a tappable link.
    anchors = [f'<a href="{x["url"]}">{x.get("title") or x["url"]}</a>' for x in _links(reply)]
    return "\n".join([t for t in [reply.text or ""] if t] + anchors)


def chosen_button(text: str, buttons: Sequence[Button]) -> tuple[int, Button] | None:
    """The button a bare typed number ("2", "２", "2.") picks, if any."""
    match = _NUMBER.match(unicodedata.normalize("NFKC", text))
    if not match:
        return None
    n = int(match.group(1))
    if 1 <= n <= len(buttons):
        return n, buttons[n - 1]
    return None


def split_text(text: str, max_bytes: int, max_parts: int, more_note: str) -> list[str]:
    """Split `text` into messages of at most `max_bytes` UTF-8 bytes each.

    When more than `max_parts` messages would be needed, the last one is cut short and ends
    with `more_note`.
    """
    parts: list[str] = []
    rest = text.strip()
    while rest:
        if _size(rest) <= max_bytes:
            parts.append(rest)
            break
        head = _cut(rest, max_bytes)
        parts.append(head.rstrip())
        rest = rest[len(head) :].lstrip()
    if len(parts) <= max_parts:
        return parts
    kept = parts[: max_parts - 1]
    budget = max_bytes - _size(more_note) - 2
    last = parts[max_parts - 1]
    kept.append(_cut(last, budget).rstrip() + "……\n" + more_note)
    return kept


def _size(text: str) -> int:
    return len(text.encode("utf-8"))


def _cut(text: str, max_bytes: int) -> str:
    """The longest prefix within `max_bytes`, ending at the best available break."""
    prefix = text.encode("utf-8")[:max_bytes].decode("utf-8", errors="ignore")
    for mark in _BREAKS:
        at = prefix.rfind(mark)
        if at >= len(prefix) // 3:
            return prefix[: at + len(mark)]
    return prefix

"""Scenes: what the customer's words reveal about the request, whoever they are.

A scene of the policy (``scenes:`` in ``knowledge/tier_policy.yml``) is found in a message when
one of its phrases is in it, or a word of every one of its groups is (an organisation and a
word of buying), or it counts devices at least ``count_at_least`` (五十台, 二十来台, 30部) next to
one of its ``count_with`` words. Rules name scenes in ``when: {scene: [...]}``.
"""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict, Field

_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7}
_DIGITS.update({"八": 8, "九": 9, "几": 3})
_UNITS = {"十": 10, "百": 100, "千": 1000}
_COUNT = re.compile(
    r"([0-9]+|[零一二两三四五六七八九十百千几]+)\s*(?:多|来|余)?\s*(?:台|部|副|套|个|只)"
)


class SceneWords(BaseModel):
    """How one scene shows in words."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    phrases: list[str] = []  # any one of these is enough
    groups: list[list[str]] = []  # or: a word of every group (who, and what they do)
    count_at_least: int | None = Field(None, ge=2)  # or: this many devices...
    count_with: list[str] = []  # ...next to one of these words (buying, upgrading)


def chinese_number(text: str) -> int | None:
    """The value of an Arabic or a Chinese numeral (五十, 二十, 一百二十, 几十); None if neither."""
    if text.isdigit():
        return int(text)
    total, current = 0, 0
    for ch in text:
        if ch in _DIGITS:
            current = _DIGITS[ch]
        elif ch in _UNITS:
            total += (current or 1) * _UNITS[ch]
            current = 0
        else:
            return None
    return total + current


def largest_count(text: str) -> int:
    """The largest number of things counted in `text` (0 when none)."""
    counts = [chinese_number(m.group(1)) for m in _COUNT.finditer(text)]
    return max((c for c in counts if c is not None), default=0)


def found(scene: SceneWords, text: str) -> bool:
    """Whether `text` shows `scene`."""
    low = text.lower()
    if any(p.lower() in low for p in scene.phrases):
        return True
    if scene.groups and all(any(w.lower() in low for w in g) for g in scene.groups):
        return True
    if scene.count_at_least is not None and any(w in low for w in scene.count_with):
        return largest_count(text) >= scene.count_at_least
    return False


def scenes_in(scenes: dict[str, SceneWords], text: str) -> list[str]:
    """Names of the scenes `text` shows, in the policy's order."""
    return [name for name, scene in scenes.items() if found(scene, text)]

"""Personalised entry: the greeting and suggested topics a customer sees first.

Texts and segments live in ``knowledge/greetings.yml``, like a device-aware voice menu: a
gaming-laptop owner hears about game performance, an out-of-warranty owner about paid repair,
an enterprise customer about the enterprise channel.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypedDict

import yaml
from pydantic import BaseModel, ConfigDict, Field

from bot.profile.profile import CustomerProfile, member_label

GREETINGS_FILE = "greetings.yml"


class Topic(TypedDict):
    """A suggested topic button (the gateway's `Button` shape)."""

    title: str  # the standard question's title
    payload: str  # sent back on click: the title, so it is matched like a typed question


@dataclass(frozen=True)
class Entry:
    """What to show at the start of a conversation."""

    segment: str  # id of the segment whose greeting was used ("default" for a visitor)
    greeting: str
    topics: list[Topic]


class When(BaseModel):
    """Which customers a segment is for."""

    model_config = ConfigDict(extra="forbid")

    tags: list[str] = []  # all of them
    any: list[str] = []  # at least one of them

    def matches(self, tags: set[str]) -> bool:
        """Whether a customer with `tags` is in the segment."""
        return set(self.tags) <= tags and (not self.any or bool(set(self.any) & tags))


class Segment(BaseModel):
    """A group of customers with its own greeting and topics."""

    model_config = ConfigDict(extra="forbid")

    id: str
    when: When
    greeting: str | None = None  # None: only contributes topics
    topics: list[str] = []  # standard-question ids


class Greetings(BaseModel):
    """The whole ``greetings.yml``."""

    model_config = ConfigDict(extra="forbid")

    max_topics: int = Field(4, ge=1, le=8)
    default: Segment
    segments: list[Segment] = []

    @classmethod
    def load(cls, knowledge_dir: Path) -> Greetings:
        """Read ``greetings.yml`` from the knowledge directory."""
        data = yaml.safe_load((knowledge_dir / GREETINGS_FILE).read_text(encoding="utf-8"))
        default = dict(data.get("default") or {}, id="default", when={})
        return cls.model_validate({**data, "default": default})

    def question_ids(self) -> set[str]:
        """Every standard-question id used as a topic (to check against the knowledge base)."""
        return {q for seg in [self.default, *self.segments] for q in seg.topics}


def personalise_entry(
    profile: CustomerProfile,
    greetings: Greetings,
    titles: Mapping[str, str],
    series_names: Mapping[str, str] | None = None,
) -> Entry:
    """The greeting and topics for `profile`.

    Args:
        profile: the customer (an anonymous profile gets the default).
        greetings: the loaded ``greetings.yml``.
        titles: standard-question id -> title of the live knowledge base; unknown ids are
            skipped (a question may have been retired since the file was written).
        series_names: model number (lower case) -> series name, e.g. from `series_names()`.
    """
    tags = set(profile.tags) if profile.identified else set()
    matching = [seg for seg in greetings.segments if seg.when.matches(tags)]
    spoken = next((seg for seg in matching if seg.greeting), greetings.default)
    if not matching:
        matching = [greetings.default]
    topics: list[Topic] = []
    for qid in dict.fromkeys(q for seg in matching for q in seg.topics):
        if qid in titles and len(topics) < greetings.max_topics:
            topics.append(Topic(title=titles[qid], payload=titles[qid]))
    owned = [t.removeprefix("owner_") for t in spoken.when.tags + spoken.when.any if t in tags]
    line = next((t for t in owned if t in profile.product_lines), None)
    values = _values(profile, line, series_names or {})
    text = (spoken.greeting or "").format_map(values)
    return Entry(segment=spoken.id, greeting=text, topics=topics)


def series_names(catalog: Mapping[str, Any]) -> dict[str, str]:
    """Model number (lower case) -> series name of catalog.yml (``rg9-2025`` -> 逐影 Raptor R9)."""
    out: dict[str, str] = {}
    for line in (catalog.get("product_lines") or {}).values():
        for series in (line or {}).get("series") or []:
            for model in series.get("models") or []:
                out[str(model).lower()] = str(series.get("name", model))
    return out


def _values(profile: CustomerProfile, line: str | None, names: Mapping[str, str]) -> dict[str, str]:
    # The device the segment is about (a raptor segment names the raptor), else the primary one.
    device = profile.device_for(line)
    device_text = "设备"
    if device is not None:
        name = names.get(device.model.lower())
        device_text = f"{name}（{device.model}）" if name else device.model
    return {
        "honorific": profile.honorific or "",
        "level": member_label(profile.member_level),
        "device": device_text,
        "company": profile.enterprise or "贵公司",
    }

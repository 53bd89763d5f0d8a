"""Typed models of the knowledge base (see docs/knowledge-format.md).

Rules that depend on the rest of the base (product ids from the catalogue, whether the strict
YAML rules apply) come in through the pydantic validation context:
``{"product_ids": set[str] | None, "strict": bool}``.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

ID_PATTERN = re.compile(r"^[a-z_]+-\d{3}$")
MIN_SIMILAR = 8
KNOWN_TAGS = frozenset(
    {
        "in_warranty",
        "out_of_warranty",
        "member_normal",
        "member_silver",
        "member_gold",
        "member_black",
        "enterprise",
    }
)
Channel = Literal["web", "wechat"]


def _ctx(info: ValidationInfo) -> dict[str, Any]:
    return info.context if isinstance(info.context, dict) else {}


def _scalar_text(value: Any) -> Any:
    # YAML reads `400` or `12.6` as numbers; in a text field an editor meant the text.
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, list):
        return [_scalar_text(v) for v in value]
    return value


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be empty")
    return value.strip()


class Link(BaseModel):
    """A button or card shown under an answer."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    title: str
    url: str

    @field_validator("title")
    @classmethod
    def _title(cls, value: str) -> str:
        return _not_blank(value)

    @field_validator("url")
    @classmethod
    def _url(cls, value: str) -> str:
        if not re.match(r"^https?://[^\s/]+", value.strip()):
            raise ValueError("must be an http(s) URL")
        return value.strip()


class Condition(BaseModel):
    """When a variant applies: the channel (if set) and all listed customer tags."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    channel: Channel | None = None
    tags: list[str] = []

    @field_validator("tags")
    @classmethod
    def _tags(cls, tags: list[str], info: ValidationInfo) -> list[str]:
        product_ids = _ctx(info).get("product_ids")
        for tag in tags:
            if tag in KNOWN_TAGS:
                continue
            line = tag.removeprefix("owner_")
            if tag.startswith("owner_") and (product_ids is None or line in product_ids):
                continue
            # A misspelt tag would silently never match, so it is an error, not a no-op.
            raise ValueError(f"unknown customer tag {tag!r}")
        return tags

    @property
    def specificity(self) -> int:
        """How many conditions the variant sets; the most specific match wins."""
        return len(self.tags) + (1 if self.channel else 0)


class Variant(BaseModel):
    """An alternative answer for some customers or one channel."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    when: Condition
    answer: str
    links: list[Link] | None = None  # None = the question's own links

    @field_validator("answer")
    @classmethod
    def _answer(cls, value: str) -> str:
        return _not_blank(value)


class StandardQuestion(BaseModel):
    """One standard question (标准问) with its phrasings and answers."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    title: str
    category: str = ""
    products: list[str] = []  # product-line ids; empty = all lines
    tier: int = Field(1, ge=1, le=5)
    keywords: list[str] = []
    similar: list[str] = []
    answer: str
    variants: list[Variant] = []
    links: list[Link] = []
    valid_from: date | None = None
    valid_until: date | None = None
    tree: str | None = None

    @field_validator("title", "answer", "keywords", "similar", mode="before")
    @classmethod
    def _numbers_as_text(cls, value: Any) -> Any:
        return _scalar_text(value)

    @field_validator("id")
    @classmethod
    def _id(cls, value: str, info: ValidationInfo) -> str:
        value = _not_blank(value)
        if _ctx(info).get("strict", True) and not ID_PATTERN.match(value):
            raise ValueError("must look like <file-slug>-NNN, e.g. power-001")
        return value

    @field_validator("title", "answer")
    @classmethod
    def _text(cls, value: str, info: ValidationInfo) -> str:
        # An imported flat file may have questions without an answer yet (JSONL: null).
        if info.field_name == "answer" and not _ctx(info).get("strict", True):
            return value.strip()
        return _not_blank(value)

    @field_validator("products")
    @classmethod
    def _products(cls, products: list[str], info: ValidationInfo) -> list[str]:
        known = _ctx(info).get("product_ids")
        unknown = [p for p in products if known is not None and p not in known]
        if unknown:
            raise ValueError(f"unknown product line(s) {', '.join(unknown)} (see catalog.yml)")
        return products

    @field_validator("similar")
    @classmethod
    def _similar(cls, similar: list[str], info: ValidationInfo) -> list[str]:
        strict = _ctx(info).get("strict", True)
        similar = [s.strip() for s in similar]
        if strict and len(similar) < MIN_SIMILAR:
            raise ValueError(f"needs at least {MIN_SIMILAR} similar phrasings, has {len(similar)}")
        seen: set[str] = set()
        for text in similar:
            if strict and not text:
                raise ValueError("contains an empty phrasing")
            if strict and text in seen:
                raise ValueError(f"duplicate phrasing {text!r}")
            seen.add(text)
        # Imported flat files are taken as they are, minus blanks and repeats.
        return similar if strict else [s for s in dict.fromkeys(similar) if s]

    @model_validator(mode="after")
    def _cross_field(self, info: ValidationInfo) -> StandardQuestion:
        if self.title in self.similar and _ctx(info).get("strict", True):
            raise ValueError("a similar phrasing repeats the title")
        if self.valid_from and self.valid_until and self.valid_from > self.valid_until:
            raise ValueError("valid_from is after valid_until")
        return self

    @property
    def phrasings(self) -> list[str]:
        """The title followed by every similar phrasing."""
        return [self.title, *self.similar]

    def valid_on(self, today: date) -> bool:
        """Whether `today` is inside the (inclusive) validity window."""
        if self.valid_from and today < self.valid_from:
            return False
        return not (self.valid_until and today > self.valid_until)


class DictWord(BaseModel):
    """One entry of the jieba user dictionary."""

    model_config = ConfigDict(frozen=True)

    word: str
    freq: int | None = None
    tag: str | None = None


class KnowledgeBase(BaseModel):
    """A whole, validated knowledge base, as loaded by `bot.knowledge.loader.load_knowledge`."""

    model_config = ConfigDict(frozen=True)

    questions: dict[str, StandardQuestion]
    catalog: dict[str, Any] = {}
    synonyms: list[list[str]] = []  # groups; the first phrase is the canonical form
    dictionary: list[DictWord] = []
    outside: list[str] = []  # words naming what the centre does not serve (scope.yml)
    negatives: list[str] = []  # messages the centre does not answer (negatives.yml)
    warnings: list[str] = []  # non-blocking findings, e.g. a phrasing shared by two questions

    @property
    def product_ids(self) -> set[str]:
        """Product-line ids of the catalogue."""
        return set((self.catalog.get("product_lines") or {}).keys())

    def model_lines(self) -> dict[str, str]:
        """Model numbers (lower case) mapped to their product line, e.g. ``rg7-2024 -> raptor``."""
        out: dict[str, str] = {}
        for line_id, line in (self.catalog.get("product_lines") or {}).items():
            for series in (line or {}).get("series") or []:
                for model in series.get("models") or []:
                    out[str(model).lower()] = line_id
        return out

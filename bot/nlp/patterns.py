"""Entity patterns as data: ``knowledge/entities/*.yml`` plus the model numbers of catalog.yml.

Errors name the file, the line and the field, like the knowledge loader's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from bot.knowledge.errors import Issue, KnowledgeError
from bot.knowledge.yamlsource import YamlDoc, field_path, parse_yaml

Normalize = Literal["digits", "upper", "hex", "text"]


class FormatPattern(BaseModel):
    """A regular expression for numbers and codes (serials, orders, phones, error codes)."""

    model_config = ConfigDict(extra="forbid")

    label: str
    regex: str
    normalize: Normalize = "text"

    @field_validator("regex")
    @classmethod
    def _compiles(cls, value: str) -> str:
        try:
            compiled = re.compile(value, re.IGNORECASE)
        except re.error as err:
            raise ValueError(f"not a valid regular expression: {err}") from err
        if compiled.groups > 1:
            raise ValueError("use at most one capturing group; (?:...) for the others")
        return value


class FormatsFile(BaseModel):
    """``formats.yml``."""

    model_config = ConfigDict(extra="forbid")

    patterns: list[FormatPattern]


class ProductsFile(BaseModel):
    """``products.yml``."""

    model_config = ConfigDict(extra="forbid")

    lines: dict[str, list[str]] = {}
    models: dict[str, str] = {}
    words: list[str] = []
    token_patterns: list[dict[str, Any]] = []


@dataclass(frozen=True)
class Phrase:
    """A phrase pattern: words that name a product line or a model."""

    label: str  # PRODUCT_LINE | MODEL
    text: str
    value: str  # line id, model number or series prefix
    line: str


@dataclass
class PatternSet:
    """Everything the entity pipeline is built from."""

    formats: list[FormatPattern]
    phrases: list[Phrase]
    words: list[str] = field(default_factory=list)  # one word each for the segmenter
    token_patterns: list[dict[str, Any]] = field(default_factory=list)


def load_patterns(directory: Path, catalog: dict[str, Any]) -> PatternSet:
    """Read ``formats.yml`` and ``products.yml`` and add the catalogue's model numbers.

    Raises:
        KnowledgeError: listing every problem (file, line, field).
    """
    issues: list[Issue] = []
    formats, _ = _read(directory / "formats.yml", FormatsFile, issues)
    products, doc = _read(directory / "products.yml", ProductsFile, issues)
    models = _catalog_models(catalog)
    phrases: list[Phrase] = []
    if products is not None and doc is not None:
        lines = set((catalog.get("product_lines") or {}).keys())
        for line, words in products.lines.items():
            if line not in lines:
                where = ("lines", line)
                issues.append(
                    Issue(
                        doc.file,
                        doc.line(where),
                        field_path(where),
                        "unknown product line (see catalog.yml)",
                    )
                )
            phrases += [Phrase("PRODUCT_LINE", w, line, line) for w in words]
        for alias, target in products.models.items():
            owners = {ln for m, ln in models.items() if m.lower().startswith(target.lower())}
            if len(owners) != 1:
                where = ("models", alias)
                issues.append(
                    Issue(
                        doc.file,
                        doc.line(where),
                        field_path(where),
                        f"{target!r} is not a model number of one product line",
                    )
                )
                continue
            phrases.append(Phrase("MODEL", str(alias), target, owners.pop()))
    if issues:
        raise KnowledgeError(issues)
    assert formats is not None and products is not None
    phrases = _catalog_phrases(catalog) + phrases
    words = list(dict.fromkeys([*products.words, *(p.text for p in phrases if " " not in p.text)]))
    return PatternSet(formats.patterns, phrases, words, products.token_patterns)


def _read(path: Path, model: type[Any], issues: list[Issue]) -> tuple[Any, YamlDoc | None]:
    rel = f"{path.parent.name}/{path.name}"
    doc: YamlDoc | None = parse_yaml(path, rel, issues)
    if doc is None:
        return None, None
    try:
        return model.model_validate(doc.data or {}), doc
    except ValidationError as err:
        for e in err.errors():
            loc = tuple(e["loc"])
            msg = str(e["msg"]).removeprefix("Value error, ")
            issues.append(Issue(rel, doc.line(loc), field_path(loc), msg))
        return None, doc


def _catalog_models(catalog: dict[str, Any]) -> dict[str, str]:
    return {
        str(m): line
        for line, spec in (catalog.get("product_lines") or {}).items()
        for s in (spec or {}).get("series") or []
        for m in s.get("models") or []
    }


def _catalog_phrases(catalog: dict[str, Any]) -> list[Phrase]:
    """Model numbers in their usual spellings, and series names without the brand."""
    brand = str((catalog.get("brand") or {}).get("name") or "")
    out: list[Phrase] = []
    for line, spec in (catalog.get("product_lines") or {}).items():
        for series in (spec or {}).get("series") or []:
            models = [str(m) for m in series.get("models") or []]
            for m in models:
                spellings = {m, m.replace("-", " "), m.replace("-", "")}
                out += [Phrase("MODEL", s, m, line) for s in sorted(spellings)]
            name = str(series.get("name") or "").removeprefix(brand).strip()
            if models and name and "/" not in name:
                prefix = _common_prefix(models)
                for s in sorted({name, name.replace(" ", "")}):
                    out.append(Phrase("MODEL", s, prefix, line))
            if len(models) > 1 and _common_prefix(models) not in models:
                stem = _common_prefix(models)  # the series code: XB14, RG9
                out.append(Phrase("MODEL", stem, stem, line))
    return out


def _common_prefix(models: list[str]) -> str:
    # RG9-2024, RG9-2025 -> RG9; one model -> itself.
    if len(models) == 1:
        return models[0]
    stem = {m.split("-")[0] for m in models}
    return stem.pop() if len(stem) == 1 else models[0]

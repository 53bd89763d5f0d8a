"""Entities in customers' messages: product lines, models, serials, orders, phones, error codes.

A spaCy blank ``zh`` pipeline with the jieba segmenter, a regex component for numbers and codes
and an EntityRuler for product words, all built from ``knowledge/entities/`` and catalog.yml.
Messages are width-folded and lower-cased before segmentation (offsets are kept), so
``ＲＧ９-2025``, ``rg9-2025`` and ``RG9-2025`` are the same model.

    python -m bot.nlp.entities "我的逐影R9蓝屏了 错误代码 0xc000021a"
"""

from __future__ import annotations

import logging
import re
import sys
import threading
import unicodedata
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import yaml

from bot.nlp.patterns import FormatPattern, PatternSet, load_patterns

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Entity:
    """One entity found in a message."""

    label: str  # PRODUCT_LINE | MODEL | SERIAL | ORDER | PHONE | ERROR_CODE | MEMBER_ID
    text: str  # as the customer wrote it
    value: str  # normalized: line id, model number (or series, e.g. RG9), digits, 0x0000007B
    start: int  # character offsets in the message
    end: int
    line: str | None = None  # product line of a MODEL or PRODUCT_LINE

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (slots, context package, decision records)."""
        return asdict(self)


def fold(text: str) -> str:
    """Full-width to half-width and lower case, one character for one (offsets stay valid)."""
    out = []
    for ch in text:
        folded = unicodedata.normalize("NFKC", ch).lower()
        out.append(folded if len(folded) == 1 else ch)
    return "".join(out)


class EntityExtractor:
    """Entity extraction stage.

    Args:
        entities_dir: ``knowledge/entities/`` (``formats.yml``, ``products.yml``).
        catalog: the parsed catalog.yml (model numbers and series names); None reads
            ``catalog.yml`` next to `entities_dir`.
    """

    def __init__(self, entities_dir: Path, catalog: dict[str, Any] | None = None) -> None:
        self.entities_dir = Path(entities_dir)
        self.catalog = catalog
        self._nlp: Any = None
        self._lock = threading.Lock()

    def warm_up(self) -> None:
        """Load spaCy, build the segmenter and the patterns (about 1-4 s, once)."""
        with self._lock:
            if self._nlp is None:
                catalog = self.catalog
                if catalog is None:
                    path = self.entities_dir.parent / "catalog.yml"
                    catalog = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
                self._nlp = build_pipeline(load_patterns(self.entities_dir, catalog))

    def run(self, text: str) -> list[Entity]:
        """The entities of one message, in order of appearance."""
        if self._nlp is None:
            self.warm_up()
        doc = self._nlp(fold(text))
        out = []
        for ent in doc.ents:
            value, _, line = ent.ent_id_.partition("|")
            if ent.label_ in ("PRODUCT_LINE", "MODEL"):
                out.append(
                    Entity(
                        ent.label_,
                        text[ent.start_char : ent.end_char],
                        value,
                        ent.start_char,
                        ent.end_char,
                        line or None,
                    )
                )
            else:
                raw = text[ent.start_char : ent.end_char]
                out.append(Entity(ent.label_, raw, value, ent.start_char, ent.end_char))
        return out


def build_pipeline(patterns: PatternSet) -> Any:
    """The spaCy pipeline: jieba (with the product words), regex formats, entity ruler."""
    import jieba
    import spacy
    from spacy.language import Language

    logging.getLogger("jieba").setLevel(logging.WARNING)
    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
    # A private jieba dictionary: product words must not leak into the global one.
    seg = jieba.Tokenizer()
    seg.FREQ, seg.total, seg.initialized = dict(jieba.dt.FREQ), jieba.dt.total, True
    for word in patterns.words:
        w = fold(word)
        if w.strip() and " " not in w:
            seg.add_word(w, 2000)
    tokenizer: Any = nlp.tokenizer
    tokenizer.jieba_seg = seg
    name = f"kefu_formats_{id(patterns)}"
    Language.component(name, func=_formats_component(patterns.formats))
    nlp.add_pipe(name)
    ruler: Any = nlp.add_pipe("entity_ruler", config={"phrase_matcher_attr": "LOWER"})
    ruler.add_patterns(
        [
            {"label": p.label, "pattern": fold(p.text), "id": f"{p.value}|{p.line}"}
            for p in patterns.phrases
        ]
        + list(patterns.token_patterns)
    )
    return nlp


def _formats_component(formats: list[FormatPattern]) -> Any:
    compiled = [(f, re.compile(f.regex, re.IGNORECASE)) for f in formats]

    def component(doc: Any) -> Any:
        taken: list[tuple[int, int]] = []
        spans: list[Any] = []
        for fmt, rx in compiled:
            for m in rx.finditer(doc.text):
                start, end = m.span(1) if rx.groups else m.span()
                if any(start < e and s < end for s, e in taken):
                    continue  # an earlier pattern already claimed these characters
                span = doc.char_span(start, end, label=fmt.label, alignment_mode="expand")
                if span is None or any(span.start < t.end and t.start < span.end for t in spans):
                    continue
                span.id_ = normalize(m.group(1) if rx.groups else m.group(0), fmt.normalize)
                taken.append((start, end))
                spans.append(span)
        doc.ents = sorted(spans, key=lambda s: s.start)
        return doc

    return component


def normalize(raw: str, how: str) -> str:
    """Write a matched number or code out as `how` says (see formats.yml)."""
    if how == "digits":
        return re.sub(r"\D", "", raw)
    if how == "upper":
        return re.sub(r"[\s-]", "", raw).upper()
    if how == "hex":
        return "0x" + raw[2:].upper()
    return raw.strip()


if __name__ == "__main__":
    from bot.config import get_settings

    extractor = EntityExtractor(get_settings().knowledge_dir / "entities")
    for found in extractor.run(" ".join(sys.argv[1:]) or "我的逐影R9蓝屏了 0x0000007B"):
        print(found)

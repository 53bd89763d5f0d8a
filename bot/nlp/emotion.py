"""Negative emotion and urgency of each message, and the trough of a conversation.

Scores combine snownlp's Chinese sentiment model (naive Bayes over jieba's words) with the
lexicon and typing signals of ``knowledge/emotion.yml``. About 0.1-0.5 ms per message once
warmed up (``python -m bot.nlp.bench``).
"""

from __future__ import annotations

import logging
import math
import re
import threading
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from bot.nlp.lexicon import EmotionLexicon
from bot.nlp.sentiment import SnowSentiment

_EXCLAIM = re.compile(r"[!！]{2,}")
_QUESTIONS = re.compile(r"[?？]{3,}")
_CAPS = re.compile(r"\b[A-Z]{3,}\b")
_REPEATED = re.compile(r"(.)\1{2,}")
_PUNCT = re.compile(r"[\s\W_]+", re.UNICODE)
# Praise in quotation marks is praise not meant: 太"好"了, 真是「高效」.
_SCARE_QUOTES = re.compile(
    r"[\"“”「『'‘]\s*(?:好|棒|快|高效|贴心|专业|靠谱|负责|给力|优秀|厉害|周到|及时|好用|满意|效率)"
    r"[的了啊呀]*\s*[\"“”」』'’](?![字词])"
)
# A wait counted in days, weeks or months: 等了两周, 等了好几天, 都等了半个月.
_LONG_WAIT = re.compile(
    r"等了\s*(?:整整|快|将近|差不多|足足)?\s*(?:好|[一二两三四五六七八九十半几\d])+\s*个?\s*"
    r"(?:天|周|星期|礼拜|月)"
)


@dataclass(frozen=True)
class EmotionScore:
    """How one message reads."""

    negative: float  # 0 calm .. 1 furious
    urgency: float  # 0 no hurry .. 1 cannot wait
    risk_words: list[str] = field(default_factory=list)  # 投诉, 315, 律师 ...
    words: list[str] = field(default_factory=list)  # anger and urgency words found
    signals: list[str] = field(default_factory=list)  # exclamations, repetition, ...
    model: float = 0.0  # the sentiment model's negative probability

    @property
    def risk(self) -> bool:
        """Whether a risk word was used."""
        return bool(self.risk_words)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (stored with the message, shown to engineers)."""
        return asdict(self)


class EmotionScorer:
    """Scores messages.

    Args:
        lexicon_path: ``knowledge/emotion.yml``.
    """

    def __init__(self, lexicon_path: Path) -> None:
        self.lexicon_path = Path(lexicon_path)
        self.lexicon: EmotionLexicon | None = None
        self._model_: SnowSentiment | None = None
        self._seg: Any = None
        self._lock = threading.Lock()

    def warm_up(self) -> None:
        """Load the lexicon, snownlp's sentiment model and a jieba dictionary (~1-3 s, once)."""
        with self._lock:
            if self.lexicon is not None:
                return
            import jieba

            logging.getLogger("jieba").setLevel(logging.WARNING)
            self._model_ = SnowSentiment()
            jieba.dt.initialize()
            self._seg = jieba.dt
            self.lexicon = EmotionLexicon.load(self.lexicon_path)

    def score(self, text: str, previous: str | None = None) -> EmotionScore:
        """Score one message.

        Args:
            text: the message.
            previous: the customer's previous message in the conversation (for repetition).
        """
        if self.lexicon is None:
            self.warm_up()
        lex = self.lexicon
        assert lex is not None
        clean = lex.strip_ignored(text)
        risk = lex.find("risk", clean)
        anger = lex.find("anger", clean)
        urgent = lex.find("urgency", clean)
        neg_parts = [lex.risk[w] for w in risk] + [lex.anger[w] for w in anger]
        urg_parts = [lex.urgency[w] for w in urgent]
        signals = _signals(text, previous)
        for name in signals:
            neg_parts.append(lex.signals[name].negative)
            urg_parts.append(lex.signals[name].urgency)
        model = self._model(clean)
        m = lex.model
        neg_parts.append(m.weight / (1 + math.exp(-(_logit(model) - m.center) / m.scale)))
        return EmotionScore(
            negative=round(_combine(neg_parts), 3),
            urgency=round(_combine(urg_parts), 3),
            risk_words=risk,
            words=anger + urgent,
            signals=signals,
            model=round(model, 3),
        )

    def _model(self, text: str) -> float:
        assert self._model_ is not None
        return self._model_.negative([w for w in self._seg.cut(text) if w.strip()])


def _signals(text: str, previous: str | None) -> list[str]:
    out = []
    if _EXCLAIM.search(text):
        out.append("exclamations")
    if _QUESTIONS.search(text):
        out.append("question_storm")
    if _CAPS.search(text):
        out.append("all_caps")
    if _REPEATED.search(_PUNCT.sub("", text)):
        out.append("repeated_chars")
    if repeats(text, previous):
        out.append("repetition")
    if _SCARE_QUOTES.search(text):
        out.append("scare_quotes")
    if _LONG_WAIT.search(text):
        out.append("long_wait")
    return out


def repeats(text: str, previous: str | None) -> bool:
    """Whether `text` says the customer's `previous` message again (the repetition signal).

    The only part of `EmotionScorer.score` that depends on the previous message: when this is
    False, ``score(text, previous) == score(text)``.
    """
    return previous is not None and _same(text, previous)


def _same(a: str, b: str) -> bool:
    # The same words again (punctuation and spacing aside), or nearly all of them.
    x, y = _PUNCT.sub("", a.lower()), _PUNCT.sub("", b.lower())
    if len(x) < 2 or len(y) < 2:
        return False
    if x == y or (len(x) >= 4 and (x in y or y in x)):
        return True
    bigrams = lambda s: {s[i : i + 2] for i in range(len(s) - 1)}  # noqa: E731
    bx, by = bigrams(x), bigrams(y)
    return len(bx & by) / max(1, len(bx | by)) >= 0.8


def _combine(parts: list[float]) -> float:
    keep = 1.0
    for p in parts:
        keep *= 1 - min(max(p, 0.0), 1.0)
    return 1 - keep


def _logit(p: float) -> float:
    p = min(max(p, 1e-6), 1 - 1e-6)
    return math.log(p / (1 - p))

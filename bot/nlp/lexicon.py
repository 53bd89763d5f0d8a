"""The emotion lexicon and thresholds of ``knowledge/emotion.yml``, typed and checked."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, field_validator

from bot.knowledge.errors import Issue, KnowledgeError
from bot.knowledge.yamlsource import field_path, parse_yaml

Weight = Annotated[float, Field(gt=0, le=1)]  # one word's weight


class SignalWeights(BaseModel):
    """What one typing signal adds."""

    model_config = ConfigDict(extra="forbid")

    negative: float = Field(ge=0, le=1)
    urgency: float = Field(ge=0, le=1)


class Signals(BaseModel):
    """Typing signals."""

    model_config = ConfigDict(extra="forbid")

    exclamations: SignalWeights
    question_storm: SignalWeights
    all_caps: SignalWeights
    repetition: SignalWeights
    repeated_chars: SignalWeights
    # Signals added later have defaults, so a base's older emotion.yml still loads.
    scare_quotes: SignalWeights = SignalWeights(negative=0.3, urgency=0.0)
    long_wait: SignalWeights = SignalWeights(negative=0.3, urgency=0.1)

    def __getitem__(self, name: str) -> SignalWeights:
        return getattr(self, name)  # type: ignore[no-any-return]


class ModelWeights(BaseModel):
    """How much the sentiment model counts."""

    model_config = ConfigDict(extra="forbid")

    weight: float = Field(ge=0, le=1)
    center: float
    scale: float = Field(gt=0)


class TroughRule(BaseModel):
    """When a conversation's emotion is a trough."""

    model_config = ConfigDict(extra="forbid")

    high: float = Field(ge=0, le=1)
    sharp_drop: float = Field(ge=0, le=1)
    drop_floor: float = Field(ge=0, le=1)
    sustained: float = Field(ge=0, le=1)
    window: int = Field(ge=2, le=10)


class EmpathyRule(BaseModel):
    """When a bot answer opens with a word of empathy (the tier stays what the policy says)."""

    model_config = ConfigDict(extra="forbid")

    negative: float = Field(default=0.3, ge=0, le=1)  # from this score, or any anger word
    urgency: float = Field(default=0.4, ge=0, le=1)  # from this urgency: the hurry is heard


class EmotionLexicon(BaseModel):
    """The whole ``emotion.yml``."""

    model_config = ConfigDict(extra="forbid")

    risk: dict[str, Weight]
    anger: dict[str, Weight]
    urgency: dict[str, Weight]
    ignore: list[str] = []
    signals: Signals
    model: ModelWeights
    trough: TroughRule
    empathy: EmpathyRule = EmpathyRule()
    _rx: dict[str, re.Pattern[str] | None] = PrivateAttr(default_factory=dict)
    _ignore: re.Pattern[str] | None = PrivateAttr(default=None)

    @field_validator("risk", "anger", "urgency", mode="before")
    @classmethod
    def _words(cls, value: object) -> object:
        # YAML reads 315 as a number; the word is meant. Keys are compared in lower case.
        if isinstance(value, dict):
            return {str(k).strip().lower(): v for k, v in value.items()}
        return value

    @classmethod
    def load(cls, path: Path) -> EmotionLexicon:
        """Read and check ``emotion.yml``.

        Raises:
            KnowledgeError: with file, line and field of every problem.
        """
        issues: list[Issue] = []
        doc = parse_yaml(path, path.name, issues)
        if doc is not None:
            try:
                return cls.model_validate(doc.data or {})
            except ValidationError as err:
                for e in err.errors():
                    loc = tuple(e["loc"])
                    msg = str(e["msg"]).removeprefix("Value error, ")
                    issues.append(Issue(path.name, doc.line(loc), field_path(loc), msg))
        raise KnowledgeError(issues)

    def model_post_init(self, _: object) -> None:
        """Compile one expression per word list (longest words first: 我要投诉 before 投诉)."""
        self._rx = {k: _alternation(getattr(self, k)) for k in ("risk", "anger", "urgency")}
        self._ignore = _alternation({w.lower(): 1.0 for w in self.ignore})

    def find(self, kind: str, text: str) -> list[str]:
        """The words of list `kind` (risk, anger, urgency) in `text`, each once, in order."""
        rx = self._rx[kind]
        found = rx.findall(text.lower()) if rx is not None else []
        return list(dict.fromkeys(found))

    def strip_ignored(self, text: str) -> str:
        """`text` with the `ignore` phrases blanked out."""
        if self._ignore is None:
            return text
        return self._ignore.sub(lambda m: " " * len(m.group(0)), text.lower())


def _alternation(words: dict[str, float]) -> re.Pattern[str] | None:
    if not words:
        return None
    ordered = sorted(words, key=len, reverse=True)
    return re.compile("|".join(re.escape(w) for w in ordered))

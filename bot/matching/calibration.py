"""A calibration: how one base is ranked and decided, with what it expects of itself.

`Calibration.default` is what the settings ship (used until a base has its own); `autocal`
fits one per base. Calibrations are kept on disk by the base's fingerprint (`CalibrationStore`),
so a restart, or publishing a base seen before (a rollback), finds its calibration at once.
"""

from __future__ import annotations

import hashlib
import json
import logging
from datetime import datetime
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from bot.knowledge.schema import KnowledgeBase
from bot.matching.settings import MatchingSettings

log = logging.getLogger(__name__)

#: Bump when the calibration procedure or the features change: stored calibrations then expire.
VERSION = 4


class Calibration(BaseModel):
    """Ranking weights and decision model of one base (or the shipped defaults)."""

    model_config = ConfigDict(frozen=True)

    source: Literal["default", "base"]  # shipped settings, or fitted on the base itself
    fingerprint: str = ""  # of the base (and encoder) it was fitted on; "" for the default
    lexical_weight: float
    dense_weight: float
    dense_top_n: int
    dense_floor: float
    answer_weight: float = 0.0  # of the answers' cosine in the fused score (see `Fuser`)
    answer_floor: float = 0.6  # answer cosine mapped to 0
    answer_model: dict[str, float]
    answer_probability: float
    clarify_threshold: float
    #: Rates estimated on the base's own probes (out of fold): ``auto_correct``,
    #: ``auto_wrong`` (of answerable probes), ``unanswered_accept`` (in-domain questions the
    #: base lacks, answered), ``general_accept`` (chit-chat and other trades answered), ``top1``.
    estimates: dict[str, float] = {}
    probes: dict[str, int] = {}  # probes by kind
    ran_at: datetime | None = None
    seconds: float = 0.0  # how long the calibration took

    @classmethod
    def default(cls, s: MatchingSettings, negatives: bool = True) -> Calibration:
        """The shipped calibration in `s` (the model for bases with or without negatives)."""
        return cls(
            source="default",
            lexical_weight=s.lexical_weight,
            dense_weight=s.dense_weight,
            dense_top_n=s.dense_top_n,
            dense_floor=s.dense_floor,
            answer_model=s.answer_model if negatives else s.answer_model_without_negatives,
            answer_probability=(
                s.answer_probability if negatives else s.answer_probability_without_negatives
            ),
            clarify_threshold=s.clarify_threshold,
        )


def fingerprint(kb: KnowledgeBase, settings: MatchingSettings) -> str:
    """What a calibration depends on: the base's texts, its evidence files, the settings."""
    # Every setting that changes ranking or decision counts (not where caches live, threads).
    fields = settings.model_dump(
        mode="json",
        exclude={
            "cache_dir",
            "calibration_dir",
            "encoder_threads",
            "encoder_engine",
            "query_cache_size",
            "embedding_cache_size",
            "top_k",
        },
    )
    digest = hashlib.sha1(f"{VERSION}|{json.dumps(fields, sort_keys=True)}".encode())
    for q in sorted(kb.questions.values(), key=lambda q: q.id):
        digest.update(json.dumps([q.id, q.phrasings, q.answer, q.products]).encode())
    digest.update(json.dumps([kb.synonyms, kb.outside, kb.negatives]).encode())
    digest.update(json.dumps([[w.word, w.freq] for w in kb.dictionary]).encode())
    return digest.hexdigest()[:20]


class CalibrationStore:
    """Calibrations by fingerprint, one JSON file each (None: memory only).

    Args:
        directory: where the files go.
    """

    def __init__(self, directory: Path | None) -> None:
        self.directory = directory
        self._memory: dict[str, Calibration] = {}

    def get(self, key: str) -> Calibration | None:
        """The calibration stored for `key`, if any (an unreadable file counts as none)."""
        if key in self._memory:
            return self._memory[key]
        if self.directory is None:
            return None
        path = self.directory / f"{key}.json"
        try:
            found = Calibration.model_validate_json(path.read_bytes())
        except (OSError, ValidationError) as err:
            if path.exists():
                log.warning("ignoring calibration %s: %s", path, err)
            return None
        self._memory[key] = found
        return found

    def put(self, calibration: Calibration) -> None:
        """Keep `calibration` under its fingerprint (written whole, then renamed)."""
        self._memory[calibration.fingerprint] = calibration
        if self.directory is None:
            return
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            path = self.directory / f"{calibration.fingerprint}.json"
            tmp = path.with_suffix(".tmp")
            tmp.write_text(calibration.model_dump_json(indent=1), encoding="utf-8")
            tmp.replace(path)
        except OSError as err:
            log.warning("cannot write calibration: %s", err)

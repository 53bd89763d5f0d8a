"""Per-question figures for the list: hits (answers given), thumbs up/down, last edit.

Hits and feedback come from the conversations (`messages.payload.custom.kefu`, the
`answer_feedback` table) and are recounted at most every `ttl_s` seconds; last edits come from
the versions' diffs.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select

from bot.editor import store
from bot.storage.db import Database
from bot.storage.models import AnswerFeedback, Message
from bot.storage.payload import report_field


@dataclass
class Figures:
    """Counts at one moment."""

    hits: dict[str, int] = field(default_factory=dict)
    up: dict[str, int] = field(default_factory=dict)
    down: dict[str, int] = field(default_factory=dict)
    edited: dict[str, dict[str, Any]] = field(default_factory=dict)  # qid -> version, at, by
    at: float = 0.0
    versions: int = -1


class Stats:
    """Cached per-question figures.

    Args:
        db: the app database.
        ttl_s: how long counts are reused.
    """

    def __init__(self, db: Database, ttl_s: float) -> None:
        self.db = db
        self.ttl_s = ttl_s
        self._figures = Figures()
        self._lock = threading.Lock()

    def figures(self, live_version: int | None) -> Figures:
        """Current figures (recounted when older than the TTL or a version was published)."""
        with self._lock:
            f = self._figures
            fresh = time.monotonic() - f.at < self.ttl_s
            if fresh and f.versions == (live_version or 0):
                return f
            with self.db.session() as s:
                hits = _hits(s)
                up, down = _feedback(s)
                edited = _edited(s) if f.versions != (live_version or 0) else f.edited
            self._figures = Figures(hits, up, down, edited, time.monotonic(), live_version or 0)
            return self._figures

    def question(self, qid: str, live_version: int | None) -> dict[str, Any]:
        """The figures of one question."""
        f = self.figures(live_version)
        return {
            "hits": f.hits.get(qid, 0),
            "up": f.up.get(qid, 0),
            "down": f.down.get(qid, 0),
            "edited": f.edited.get(qid),
        }


def _hits(s: Any) -> dict[str, int]:
    qid = report_field("question_id")
    decision = report_field("decision")
    rows = s.execute(
        select(qid, func.count())
        .where(Message.direction == "out", decision == "answer")
        .group_by(qid)
    ).all()
    return {str(q): int(n) for q, n in rows if q}


def _feedback(s: Any) -> tuple[dict[str, int], dict[str, int]]:
    rows = s.execute(
        select(AnswerFeedback.question_id, AnswerFeedback.value, func.count())
        .where(AnswerFeedback.question_id.is_not(None))
        .group_by(AnswerFeedback.question_id, AnswerFeedback.value)
    ).all()
    up = {q: int(n) for q, v, n in rows if v == "up"}
    down = {q: int(n) for q, v, n in rows if v == "down"}
    return up, down


def _edited(s: Any) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for number, at, author, diff in store.edit_history(s):
        for part in (diff.get("questions") or {}).values():
            for item in part:
                out[item["id"]] = {"version": number, "at": store.iso(at), "by": author}
    return out

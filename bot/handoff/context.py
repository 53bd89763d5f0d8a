"""The context package: everything an engineer needs to take over without asking again.

Built at handoff (the profile snapshot is kept with the handoff and its ticket) and rebuilt
from the database on every read, so it stays up to date: profile and tags, transcript, the
standard questions the bot matched with their scores, the diagnosis path, tier history with
reasons, the emotion trajectory with its trough, and suggested answers.
"""

from __future__ import annotations

import logging
import re
import threading
from collections import OrderedDict
from datetime import date
from typing import Any

from bot.config import Settings
from bot.diagnosis.store import sessions_of
from bot.dialogue.answering import answer_question
from bot.handoff.views import iso, message_view
from bot.storage import repository as repo
from bot.storage.db import Database
from bot.storage.models import Handoff, Message
from bot.storage.payload import Payload

log = logging.getLogger(__name__)
SUGGESTIONS = 3
SAID = 8  # the customer's latest messages suggestions are drawn from
SEARCH_GAP = 0.06  # knowledge search keeps results this close to the best score
# What a customer says to reach people or to greet: not the subject of the case.
NOT_THE_SUBJECT = re.compile(
    r"^(转?人工(客服)?|找人工|我要人工|真人|在吗|你好|您好|取消排队|留言|谢谢)[\s，,。！!？?]*$"
)
_EMOTION_CACHE = 20_000


class ContextBuilder:
    """Builds context packages from the app database and the live knowledge base.

    Args:
        db: the app database.
        settings: app settings (knowledge directory, CRM).
        knowledge: the live `KnowledgeService` (matcher and answers).
        profiles: a `bot.profile.ProfileService`; one of our own when None.
        emotion: a warmed `bot.nlp.EmotionScorer`; one of our own when None.
    """

    def __init__(
        self,
        db: Database,
        settings: Settings,
        knowledge: Any,
        profiles: Any = None,
        emotion: Any = None,
    ) -> None:
        self.db = db
        self.settings = settings
        self.knowledge = knowledge
        self._profiles = profiles
        self._emotion = emotion
        self._scores: OrderedDict[int, dict[str, Any]] = OrderedDict()
        self._lock = threading.Lock()

    def warm_up(self) -> None:
        """Load the emotion model (the profile service needs no warm-up here)."""
        scorer = self._scorer()
        if scorer is not None:
            scorer.warm_up()

    # -- parts ---------------------------------------------------------------------------

    def profile(self, channel: str, sender: str) -> dict[str, Any]:
        """The customer's profile snapshot with tags (empty when profiles are unavailable)."""
        service = self._profile_service()
        if service is None:
            return {}
        try:
            p = service.resolve_customer(channel, sender, {})
        except Exception:  # noqa: BLE001 - a handoff never fails for want of a profile
            log.exception("profile of %s:%s unavailable", channel, sender)
            return {}
        return {**p.summary(), "high_value": p.high_value, "identified": p.identified}

    def emotion(self, messages: list[Message]) -> dict[str, Any]:
        """The customer's emotion per message, oldest first, and the trough it ends in."""
        scorer = self._scorer()
        points: list[dict[str, Any]] = []
        previous: str | None = None
        for m in messages:
            if m.direction != "in" or not (m.text or "").strip():
                continue
            score = m.payload.get("emotion") or self._score(scorer, m, previous)
            previous = m.text
            if score:
                kept = {k: score.get(k) for k in ("negative", "urgency", "risk_words")}
                points.append({"message_id": m.id, "at": iso(m.created_at), **kept})
        trough = self._trough(scorer, points)
        return {"trajectory": points, "trough": trough, "available": scorer is not None}

    def suggestions(
        self, said: list[str], trees: list[str], tags: list[str], channel: str
    ) -> list[dict[str, Any]]:
        """Answers for the case as a whole, ready to insert: the questions the matcher was sure
        of for what the customer said (their request for a human and greetings aside), then the
        standard question that starts the tree they went through. Only confident ones: a
        message the matcher could not place adds nothing, and nothing pads the list.

        Args:
            said: the customer's messages, oldest first.
            trees: ids of the diagnosis trees of the conversation.
            tags: the customer's tags (answer variants).
            channel: the customer's channel (answer variants).
        """
        ranked: dict[str, float] = {}
        for text in reversed([t for t in said if _substantive(t)][-SAID:]):
            try:
                result = self.knowledge.matcher.match(text, tags=set(tags), channel=channel)
            except Exception:  # noqa: BLE001 - no suggestions rather than no console
                log.exception("suggestions for %r failed", text)
                continue
            if result.decision == "answer" and result.candidates:
                best = result.candidates[0]
                ranked.setdefault(best.id, best.score)
        kb_questions = self.knowledge.kb.questions if trees else {}
        for tree in trees:
            qid = next((q.id for q in kb_questions.values() if q.tree == tree), None)
            if qid is not None:
                ranked.setdefault(qid, 1.0)
        return self._answers(list(ranked.items())[:SUGGESTIONS], tags, channel)

    def search(self, query: str, tags: list[str], channel: str, k: int = 8) -> list[dict[str, Any]]:
        """Knowledge search for the console: up to `k` standard questions with answers, those
        close to the best one (a far weaker match is noise, not a result)."""
        if not query.strip():
            return []
        result = self.knowledge.matcher.match(query, tags=set(tags), channel=channel)
        top = result.candidates[0].score if result.candidates else 0.0
        close = [(c.id, c.score) for c in result.candidates[:k] if c.score >= top - SEARCH_GAP]
        return self._answers(close, tags, channel)

    # -- the package ---------------------------------------------------------------------

    def package(self, h: Handoff) -> dict[str, Any]:
        """The whole context of a handoff, read now."""
        with self.db.session() as s:
            messages = repo.messages_of(s, h.conversation_id)
            history = _tier_history(s, h.conversation_id)
        profile = (h.context or {}).get("profile") or {}
        tags = list(profile.get("tags") or [])
        said = [m.text for m in messages if m.direction == "in" and m.text]
        diagnosis = self._diagnosis(h.conversation_id)
        return {
            "customer": profile,
            "tags": tags,
            "reason": h.reason,
            "summary": h.summary,
            "transcript": [message_view(m) for m in messages],
            "matches": _matches(messages),
            "diagnosis": diagnosis,
            "tier_history": history,
            "emotion": self.emotion(messages),
            "suggestions": self.suggestions(said, [d["tree"] for d in diagnosis], tags, h.channel),
        }

    # -- internals -----------------------------------------------------------------------

    def _diagnosis(self, conversation_id: int) -> list[dict[str, Any]]:
        """The diagnosis sessions, each with its tree's Chinese title for the console."""
        sessions = sessions_of(self.db, conversation_id)
        diagnoser = getattr(self.knowledge, "diagnoser", None)
        trees = diagnoser.book.trees if diagnoser is not None else {}
        for session in sessions:
            tree = trees.get(session["tree"])
            session["title"] = tree.title if tree is not None else session["tree"]
        return sessions

    def _answers(
        self, ranked: list[tuple[str, float]], tags: list[str], channel: str
    ) -> list[dict[str, Any]]:
        out = []
        for qid, score in ranked:
            reply = answer_question(
                self.knowledge, qid, tags=set(tags), channel=channel, today=date.today()
            )
            question = self.knowledge.kb.questions.get(qid)
            if reply.decision != "answer" or question is None:
                continue
            out.append(
                {
                    "id": qid,
                    "title": question.title,
                    "category": question.category,
                    "score": round(float(score), 4),
                    "answer": reply.text,
                    "links": reply.links,
                }
            )
        return out

    def _profile_service(self) -> Any:
        if self._profiles is None:
            try:
                from bot.profile import ProfileService
            except ImportError:
                return None
            self._profiles = ProfileService(self.db, self.settings)
        return self._profiles

    def _scorer(self) -> Any:
        if self._emotion is None:
            try:
                from bot.nlp import EmotionScorer
            except ImportError:
                return None
            self._emotion = EmotionScorer(self.settings.knowledge_dir / "emotion.yml")
        return self._emotion

    def _score(self, scorer: Any, m: Message, previous: str | None) -> dict[str, Any] | None:
        if scorer is None:
            return None
        with self._lock:
            cached = self._scores.get(m.id)
        if cached is None:
            s = scorer.score(m.text or "", previous)
            cached = {"negative": s.negative, "urgency": s.urgency, "risk_words": s.risk_words}
            with self._lock:
                self._scores[m.id] = cached
                while len(self._scores) > _EMOTION_CACHE:
                    self._scores.popitem(last=False)
        return cached

    def _trough(self, scorer: Any, points: list[dict[str, Any]]) -> dict[str, Any] | None:
        """The latest trough among the customer's last few messages (one calm line after an
        outburst does not clear the flag)."""
        if scorer is None or not points or scorer.lexicon is None:
            return None
        from bot.nlp import detect_trough

        rule = scorer.lexicon.trough
        negatives = [p["negative"] for p in points]
        for end in range(len(negatives), max(0, len(negatives) - rule.window), -1):
            found = detect_trough(negatives[:end], rule)
            if found is not None:
                return {
                    "kind": found.kind,
                    "label": found.label,
                    "negative": found.negative,
                    "baseline": round(found.baseline, 3),
                    "message_id": points[end - 1]["message_id"],
                }
        return None


def _substantive(text: str) -> bool:
    """Whether a customer's message says something about their case (a short request for
    people, 「我要找人工」, does not)."""
    t = text.strip()
    short_for_people = len(t) <= 8 and any(w in t for w in ("人工", "真人", "客服"))
    return len(t) >= 2 and not short_for_people and not NOT_THE_SUBJECT.match(t)


def _matches(messages: list[Message]) -> list[dict[str, Any]]:
    """The standard questions the bot matched, per user message, with scores."""
    texts = {m.id: m.text for m in messages if m.direction == "in"}
    out = []
    for m in messages:
        payload = Payload.of(m)
        report = payload.report
        if m.direction != "out" or "candidates" not in report.model_fields_set:
            continue
        reply_to = payload.reply_to
        out.append(
            {
                "message_id": reply_to,
                "query": texts.get(reply_to) if reply_to is not None else None,
                "decision": report.decision,
                "question_id": report.question_id,
                "candidates": report.candidates[:5],
            }
        )
    return out


def _tier_history(session: Any, conversation_id: int) -> list[dict[str, Any]]:
    try:
        from bot.tiering.store import tier_history
    except ImportError:
        return []
    return tier_history(session, conversation_id)

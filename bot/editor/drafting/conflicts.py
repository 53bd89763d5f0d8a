"""The conflict check before publishing, with the matcher users meet.

- Phrasing conflicts: each new or changed similar phrasing of an edited question is matched
  against the edited knowledge with that phrasing left out (all of them at once). When another
  standard question ranks above the phrasing's own question, and high enough to be offered to
  a user (the clarify threshold), the phrasing is listed: users typing it would likely get the
  other answer, or at least a choice.
- Near-duplicates: each edited question's title and phrasings are matched with the question
  left out. When the matcher would answer at least half of them directly with one other
  question, the two are listed (score = that share; the mean score is given too).

Scores are the matcher's fused scores (what "try it" shows).
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

from bot.editor import store
from bot.editor.drafting import changes as ch
from bot.editor.drafting.diff import diff, question_entry, touched
from bot.editor.drafting.preview import preview
from bot.editor.drafting.snapshot import Snapshot
from bot.editor.errors import not_found
from bot.knowledge.schema import KnowledgeBase, StandardQuestion
from bot.matching.pipeline import Matcher

if TYPE_CHECKING:
    from bot.editor.state import EditorState

MAX_PHRASINGS = 200  # phrasings checked at once (a big import is checked in part)
MAX_QUESTIONS = 30  # questions checked for duplicates at once


def conflicts_of_draft(rt: EditorState, draft_id: int) -> dict[str, Any]:
    """The conflict check of a draft against what is live now."""
    with rt.db.session() as s:
        d = store.draft(s, draft_id)
        if d is None:
            raise not_found("draft", draft_id)
        key, changes = (d.id, store.iso(d.updated_at), rt.live_version), d.changes
    live = rt.snapshot()
    new = ch.apply(live, changes)
    return draft_conflicts(rt, key, new, touched(diff(live, new))[0])


def draft_conflicts(
    rt: EditorState, key: tuple[Any, ...], new: Snapshot, qids: set[str]
) -> dict[str, Any]:
    """`check_conflicts`, remembered for `key` (draft id, its last change, live version), so
    publishing right after the reviewer looked at the check does not run it again."""
    cache: dict[tuple[Any, ...], dict[str, Any]] = rt.extras.setdefault("conflicts", {})
    if key not in cache:
        found = check_conflicts(rt, new, qids)
        if len(cache) > 32:
            cache.clear()
        cache[key] = found
    return cache[key]


def check_conflicts(rt: EditorState, new: Snapshot, qids: set[str]) -> dict[str, Any]:
    """Conflicts the edited questions `qids` would bring in `new` (compared with live)."""
    kb, _ = new.build()
    live = rt.snapshot()
    share = rt.settings.editor.duplicate_share
    focus = [q for q in qids if q in kb.questions]
    added: dict[str, list[str]] = {}
    for qid in focus:
        before = question_entry(live, qid)
        old = set(before["data"].get("similar", [])) if before and not before["disabled"] else set()
        fresh = [p for p in kb.questions[qid].similar if p not in old]
        if fresh:
            added[qid] = fresh
    checked = [(q, p) for q, ps in added.items() for p in ps][:MAX_PHRASINGS]
    dup_focus = focus[:MAX_QUESTIONS]
    truncated = len(checked) < sum(map(len, added.values())) or len(dup_focus) < len(focus)
    pv = preview(rt.extras, rt.settings.matching)
    phrasings = pv.run(_without_phrasings(kb, added), lambda m: _phrasings(m, kb, checked))
    duplicates = pv.run(
        _without(kb, set(dup_focus)), lambda m: _duplicates(m, kb, dup_focus, share)
    )
    return {"phrasings": phrasings, "duplicates": duplicates, "truncated": truncated}


def _without_phrasings(kb: KnowledgeBase, added: dict[str, list[str]]) -> KnowledgeBase:
    questions = dict(kb.questions)
    for qid, texts in added.items():
        q = questions[qid]
        questions[qid] = q.model_copy(update={"similar": [s for s in q.similar if s not in texts]})
    return kb.model_copy(update={"questions": questions})


def _without(kb: KnowledgeBase, qids: set[str]) -> KnowledgeBase:
    questions = {k: v for k, v in kb.questions.items() if k not in qids}
    return kb.model_copy(update={"questions": questions})


def _phrasings(m: Matcher, kb: KnowledgeBase, checked: list[tuple[str, str]]) -> list[dict]:
    floor = m.settings.clarify_threshold
    out = []
    for qid, text in checked:
        result = m.match(text)
        ranking = result.candidates
        own = next((c.score for c in ranking if c.id == qid), None)
        other = next((c for c in ranking if c.id != qid), None)
        if other is None or other.score < floor or (own is not None and own >= other.score):
            continue
        out.append(
            {
                "question_id": qid,
                "question_title": kb.questions[qid].title,
                "phrasing": text,
                "own_score": own,
                "other_id": other.id,
                "other_title": other.title,
                "other_score": other.score,
                "decision": result.decision,
            }
        )
    return sorted(out, key=lambda c: c["other_score"], reverse=True)


def _duplicates(
    m: Matcher, kb: KnowledgeBase, qids: list[str], min_share: float
) -> list[dict[str, Any]]:
    out = []
    for qid in qids:
        q: StandardQuestion = kb.questions[qid]
        texts = q.phrasings[:12]
        answered: Counter[str] = Counter()
        scores: dict[str, list[float]] = {}
        for text in texts:
            result = m.match(text)
            if result.decision == "answer" and result.answer_id:
                answered[result.answer_id] += 1
                scores.setdefault(result.answer_id, []).append(result.choices[0].score)
        for other, hits in answered.items():
            share = hits / len(texts)
            if share >= min_share:
                out.append(
                    {
                        "a_id": qid,
                        "a_title": q.title,
                        "b_id": other,
                        "b_title": kb.questions[other].title,
                        "score": round(share, 2),
                        "mean_score": round(sum(scores[other]) / len(scores[other]), 4),
                    }
                )
    return sorted(out, key=lambda d: d["score"], reverse=True)

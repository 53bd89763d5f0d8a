"""Try it: a question and a sample customer -> candidates, decision, answer variant, tier.

Runs on the live knowledge, or on a draft's knowledge through the preview matcher. The tier
decision comes from `bot.tiering` when it is available; the rest works without it.
"""

from __future__ import annotations

import logging
from datetime import date
from typing import TYPE_CHECKING, Any

from bot.editor.drafting.drafts import view
from bot.editor.drafting.preview import preview
from bot.editor.errors import not_found
from bot.knowledge.answers import pick_answer
from bot.matching.pipeline import Matcher, MatchResult
from bot.profile.profile import anonymous_profile
from bot.tiering import ConversationState

if TYPE_CHECKING:
    from bot.editor.state import EditorState

log = logging.getLogger(__name__)
SAMPLES = 12  # the fixed personas at the head of the sample file


def sample_customers(rt: EditorState) -> list[dict[str, Any]]:
    """The sample customers to try questions as (empty when the sample file is missing)."""
    return [
        {"member_id": p.member_id, "name": p.name, "level": p.member_level, "tags": p.tags}
        for p in _profiles(rt).values()
    ]


def _profiles(rt: EditorState) -> dict[str, Any]:
    cached = rt.extras.get("samples")
    if isinstance(cached, dict):
        return cached
    out: dict[str, Any] = {}
    try:
        from bot.profile.profile import build_profile
        from bot.profile.seed import SAMPLE_FILE, load_sample

        path = rt.settings.knowledge_dir / SAMPLE_FILE
        today = date.today()
        records = load_sample(path, today)[:SAMPLES] if path.exists() else []
        out = {r.member_id: build_profile(r, today=today) for r in records}
    except Exception as err:  # noqa: BLE001 - try-it works without profiles
        log.warning("sample customers unavailable: %s", err)
    rt.extras["samples"] = out
    return out


def try_it(
    rt: EditorState,
    text: str,
    *,
    member_id: str | None = None,
    channel: str = "web",
    draft_id: int | None = None,
) -> dict[str, Any]:
    """What the bot would do with `text` from this customer on this channel."""
    profile = _profiles(rt).get(member_id) if member_id else None
    if member_id and profile is None:
        raise not_found("customer", member_id)
    tags = set(profile.tags) if profile else set()
    products = list(profile.product_lines) if profile else None
    snap = view(rt, draft_id)
    kb, _ = snap.build() if draft_id is not None else (rt.knowledge.kb, None)

    def run(m: Matcher) -> MatchResult:
        return m.match(text, products=products, tags=tags, channel=channel)

    if draft_id is None:
        result = run(rt.knowledge.matcher)
    else:
        key = ("draft", draft_id, rt.live_version, hash(repr(snap.questions)))
        result = preview(rt.extras, rt.settings.matching).run(kb, run, key)
    answer = None
    if result.answer_id and result.answer_id in kb.questions:
        q = kb.questions[result.answer_id]
        picked = pick_answer(q, tags, channel, date.today())
        variant = q.variants[picked.variant] if picked.variant is not None else None
        answer = {
            "question_id": q.id,
            "variant": picked.variant,
            "when": variant.when.model_dump(exclude_defaults=True) if variant else None,
            "text": picked.text,
            "links": [link.model_dump() for link in picked.links],
            "valid": picked.valid,
            "tree": q.tree,
        }
    return {
        "text": text,
        "query": result.query,
        "decision": result.decision,
        "confidence": result.confidence,
        "candidates": [{"id": c.id, "title": c.title, "score": c.score} for c in result.candidates],
        "choices": [c.id for c in result.choices],
        "answer": answer,
        "customer": {"member_id": member_id, "tags": sorted(tags)} if member_id else None,
        "tier": _tier(rt, text, profile, result, channel),
    }


def _tier(rt: EditorState, text: str, profile: Any, result: MatchResult, channel: str) -> Any:
    try:
        who = profile or anonymous_profile()
        state = ConversationState(channel=channel)
        decision = rt.tier_assessor().assess(text, who, state, match=result).decision
        return {"available": True, **decision.to_dict()}
    except Exception as err:  # noqa: BLE001 - the tier engine is optional here
        log.warning("tier decision unavailable: %s", err)
        return {"available": False, "error": str(err)}

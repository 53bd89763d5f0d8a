"""Learn from users: what they asked that nothing matched, or that only got a choice.

The bot's replies carry their match decision (`payload.custom.kefu.decision`); the user's
message they answer is `payload.reply_to`. Unmatched (``none``) and clarify-only questions of
the last days are grouped by meaning (`bot.editor.learn.clusters`), biggest first, each with counts,
examples and the standard questions the matcher would propose now. Texts an editor dismissed
stay out. Answers that were likely wrong are in `bot.editor.learn.doubtful`.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from bot.editor import store
from bot.editor.learn.clusters import cluster_items, dismissed_keys, text_key
from bot.storage.models import Message, utcnow
from bot.storage.payload import Payload, report_field

if TYPE_CHECKING:
    from bot.editor.state import EditorState

EXAMPLES = 6


def unmatched(rt: EditorState, days: int | None = None, limit: int = 50) -> dict[str, Any]:
    """Clusters of recent unmatched and clarify-only user questions."""
    cfg = rt.settings.editor
    days = days or cfg.learn_days
    asked = _asked(rt, days, cfg.learn_max_messages)
    snap = rt.snapshot()
    known = {
        text_key(p) for q in snap.questions.values() for p in [q["title"], *q.get("similar", [])]
    }
    known |= dismissed_keys(rt, "unmatched")
    texts: dict[str, dict[str, Any]] = {}
    for text, decision, at in asked:
        key = text_key(text)
        if key in known:
            continue  # already a phrasing (added after it was asked), or dismissed
        item = texts.setdefault(key, {"text": text, "count": 0, "none": 0, "clarify": 0, "at": at})
        item["count"] += 1
        item[decision] += 1
        item["at"] = max(item["at"], at)
    clusters = cluster_items(rt, list(texts.values()), snap.support.synonyms)
    out = [_describe(rt, c) for c in clusters[:limit]]
    return {"days": days, "messages": len(asked), "clusters": out}


def _asked(rt: EditorState, days: int, limit: int) -> list[tuple[str, str, str]]:
    """(user text, decision, time) of recent replies that were no match or a choice."""
    decision = report_field("decision")
    reply_to = Message.payload["reply_to"].as_integer()
    since = utcnow() - timedelta(days=days)
    with rt.db.session() as s:
        replies = s.execute(
            select(reply_to, decision)
            .where(
                Message.direction == "out",
                decision.in_(["none", "clarify"]),
                Message.created_at >= since,
            )
            .order_by(Message.id.desc())
            .limit(limit)
        ).all()
        by_id = {int(r[0]): str(r[1]) for r in replies if r[0] is not None}
        out = []
        ids = list(by_id)
        for start in range(0, len(ids), 500):
            rows = s.scalars(select(Message).where(Message.id.in_(ids[start : start + 500])))
            for m in rows:
                if m.direction == "in" and m.text and Payload.of(m).typed:
                    out.append((m.text.strip(), by_id[m.id], store.iso(m.created_at) or ""))
    return out


def _describe(rt: EditorState, cluster: list[dict[str, Any]]) -> dict[str, Any]:
    head = cluster[0]["text"]
    result = rt.knowledge.matcher.match(head)
    return {
        "label": head,
        "count": sum(i["count"] for i in cluster),
        "none": sum(i["none"] for i in cluster),
        "clarify": sum(i["clarify"] for i in cluster),
        "last_at": max(i["at"] for i in cluster),
        "examples": [{"text": i["text"], "count": i["count"]} for i in cluster[:EXAMPLES]],
        "texts": len(cluster),
        "all_texts": [i["text"] for i in cluster],
        "suggestions": [
            {"id": c.id, "title": c.title, "score": c.score} for c in result.candidates[:3]
        ],
    }

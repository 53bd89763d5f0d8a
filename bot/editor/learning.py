"""Learn from users: what they asked that nothing matched, or that only got a choice.

The bot's replies carry their match decision (`payload.custom.kefu.decision`); the user's
message they answer is `payload.reply_to`. Unmatched (``none``) and clarify-only questions of
the last days are grouped by meaning (greedy clustering on sentence vectors: a text joins the
first cluster whose centroid is at least ``editor.cluster_threshold`` similar), biggest first,
each with counts, examples and the standard questions the matcher would propose now.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

import numpy as np
from sqlalchemy import select

from bot.editor import store
from bot.editor.similarity import embedder
from bot.storage.models import Message, utcnow

if TYPE_CHECKING:
    from bot.editor.runtime import EditorRuntime

EXAMPLES = 6


def unmatched(rt: EditorRuntime, days: int | None = None, limit: int = 50) -> dict[str, Any]:
    """Clusters of recent unmatched and clarify-only user questions."""
    cfg = rt.settings.editor
    days = days or cfg.learn_days
    asked = _asked(rt, days, cfg.learn_max_messages)
    snap = rt.snapshot()
    known = {
        "".join(p.split()).lower()
        for q in snap.questions.values()
        for p in [q["title"], *q.get("similar", [])]
    }
    texts: dict[str, dict[str, Any]] = {}
    for text, decision, at in asked:
        key = "".join(text.split()).lower()
        if key in known:
            continue  # already a phrasing (added after it was asked)
        item = texts.setdefault(key, {"text": text, "count": 0, "none": 0, "clarify": 0, "at": at})
        item["count"] += 1
        item[decision] += 1
        item["at"] = max(item["at"], at)
    items = sorted(texts.values(), key=lambda t: -t["count"])
    clusters = _cluster(rt, items, snap.support.synonyms)
    out = [_describe(rt, c) for c in clusters[:limit]]
    return {"days": days, "messages": len(asked), "clusters": out}


def _asked(rt: EditorRuntime, days: int, limit: int) -> list[tuple[str, str, str]]:
    """(user text, decision, time) of recent replies that were no match or a choice."""
    decision = Message.payload[("custom", "kefu", "decision")].as_string()
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
                if m.direction == "in" and m.text and not m.payload.get("button_payload"):
                    out.append((m.text.strip(), by_id[m.id], store.iso(m.created_at) or ""))
    return out


def _cluster(
    rt: EditorRuntime, items: list[dict[str, Any]], synonyms: list[list[str]]
) -> list[list[dict[str, Any]]]:
    if not items:
        return []
    vectors = embedder(rt.extras, rt.settings.matching).embed([i["text"] for i in items], synonyms)
    threshold = rt.settings.editor.cluster_threshold
    clusters: list[list[dict[str, Any]]] = []
    sums: list[np.ndarray] = []
    for item, vec in zip(items, vectors, strict=True):
        if sums:
            cents = np.stack(sums)
            cents = cents / np.maximum(np.linalg.norm(cents, axis=1, keepdims=True), 1e-9)
            sims = cents @ vec
            best = int(np.argmax(sims))
            if sims[best] >= threshold:
                clusters[best].append(item)
                sums[best] = sums[best] + vec
                continue
        clusters.append([item])
        sums.append(vec.copy())
    return sorted(clusters, key=lambda c: -sum(i["count"] for i in c))


def _describe(rt: EditorRuntime, cluster: list[dict[str, Any]]) -> dict[str, Any]:
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
        "suggestions": [
            {"id": c.id, "title": c.title, "score": c.score} for c in result.candidates[:3]
        ],
    }

"""Grouping customers' texts by meaning for 'learn from users', and the texts editors dismissed.

Clustering is leader clustering: texts come most frequent first; a text joins the cluster whose
first text (its leader) is the most similar, if at least ``editor.cluster_threshold`` similar,
else it leads a cluster of its own. Comparing with the leader, not with a running centroid,
keeps a cluster from drifting: a centroid of 手机充电慢 and 充电器不充电 moved towards
unrelated short texts (电动牙刷, 打车软件) until they joined it.

A dismissed cluster stays dismissed: each of its texts is kept (`LearnDismissal`), and texts
with the same key are left out of the list from then on, however often they are asked again.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from bot.editor import store
from bot.editor.errors import EditorError, conflict, not_found
from bot.editor.similarity import embedder
from bot.storage.learning import LearnDismissal

if TYPE_CHECKING:
    from bot.editor.state import EditorState

KINDS = ("unmatched", "doubtful")
MAX_TEXTS = 200  # texts dismissed at once (a cluster's examples and more)


def text_key(text: str) -> str:
    """How the editor compares customers' texts: no spaces, lower case."""
    return "".join(text.split()).lower()[:200]


def leader_clusters(vectors: np.ndarray, threshold: float) -> list[list[int]]:
    """Row indices grouped by leader clustering (rows in order of importance).

    Args:
        vectors: L2-normalised rows, most frequent text first.
        threshold: least cosine to a cluster's leader to join it.

    Returns:
        Clusters as lists of row indices, each led by its first row, in order of their leaders.
    """
    leaders: list[int] = []
    clusters: list[list[int]] = []
    for row in range(len(vectors)):
        if leaders:
            sims = vectors[leaders] @ vectors[row]
            best = int(np.argmax(sims))
            if sims[best] >= threshold:
                clusters[best].append(row)
                continue
        leaders.append(row)
        clusters.append([row])
    return clusters


def cluster_items(
    rt: EditorState, items: list[dict[str, Any]], synonyms: list[list[str]]
) -> list[list[dict[str, Any]]]:
    """`items` (each with a `text` and a `count`) clustered by meaning, biggest first."""
    if not items:
        return []
    items = sorted(items, key=lambda i: -i["count"])
    vectors = embedder(rt.extras, rt.settings.matching).embed([i["text"] for i in items], synonyms)
    groups = leader_clusters(vectors, rt.settings.editor.cluster_threshold)
    clusters = [[items[row] for row in group] for group in groups]
    return sorted(clusters, key=lambda c: -sum(i["count"] for i in c))


def dismissed_keys(rt: EditorState, kind: str) -> set[str]:
    """Keys of the texts dismissed from one list."""
    with rt.db.session() as s:
        return set(s.scalars(select(LearnDismissal.text_key).where(LearnDismissal.kind == kind)))


def dismiss(
    rt: EditorState, actor: dict[str, str], kind: str, label: str, texts: Sequence[str]
) -> dict[str, Any]:
    """Dismiss a cluster: its texts stay out of the `kind` list (an audited change)."""
    if kind not in KINDS:
        raise EditorError(422, "bad_kind", f"no list {kind!r}: {' or '.join(KINDS)}")
    keys = {text_key(t): t.strip() for t in texts if text_key(t)}
    if not keys or len(keys) > MAX_TEXTS:
        raise EditorError(422, "bad_texts", f"dismiss 1 to {MAX_TEXTS} texts at once")
    added = 0
    try:
        with rt.db.session() as s:
            have = set(
                s.scalars(
                    select(LearnDismissal.text_key).where(
                        LearnDismissal.kind == kind, LearnDismissal.text_key.in_(list(keys))
                    )
                )
            )
            for key, text in keys.items():
                if key in have:
                    continue
                s.add(
                    LearnDismissal(
                        kind=kind,
                        text_key=key,
                        text=text[:500],
                        label=label[:500],
                        dismissed_by=actor["username"],
                    )
                )
                added += 1
            store.audit(s, actor, "learn.dismiss", "learn", kind, label=label[:200], texts=added)
    except IntegrityError as err:  # another editor dismissed the same text at the same moment
        raise conflict("busy", "dismissed by someone else at the same moment: try again") from err
    return {"kind": kind, "label": label, "dismissed": added}


def dismissed(rt: EditorState, kind: str, limit: int = 200) -> list[dict[str, Any]]:
    """Dismissed texts of one list, newest first."""
    with rt.db.session() as s:
        rows = s.scalars(
            select(LearnDismissal)
            .where(LearnDismissal.kind == kind)
            .order_by(LearnDismissal.id.desc())
            .limit(limit)
        ).all()
        return [
            {
                "id": r.id,
                "text": r.text,
                "label": r.label,
                "dismissed_by": r.dismissed_by,
                "at": store.iso(r.created_at),
            }
            for r in rows
        ]


def restore(rt: EditorState, actor: dict[str, str], dismissal_id: int) -> dict[str, Any]:
    """Bring every text dismissed with the same cluster as `dismissal_id` back into its list."""
    with rt.db.session() as s:
        row = s.get(LearnDismissal, dismissal_id)
        if row is None:
            raise not_found("dismissal", dismissal_id)
        kind, label = row.kind, row.label
        rows = s.scalars(
            select(LearnDismissal).where(LearnDismissal.kind == kind, LearnDismissal.label == label)
        ).all()
        for r in rows:
            s.delete(r)
        gone = len(rows)
        store.audit(s, actor, "learn.restore", "learn", kind, label=label[:200], texts=gone)
    return {"kind": kind, "label": label, "restored": gone}

"""The standard questions list: search, filters, sorting, and the facets the filters offer."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from bot.editor.catalog.stats import Figures
from bot.editor.drafting.snapshot import Snapshot

Sort = Literal["id", "hits", "edited", "down", "title"]


class Query(BaseModel):
    """What the list is asked for; unset fields do not filter."""

    q: str | None = None  # text in id, title, phrasings or answer
    category: str | None = None
    product: str | None = None  # product-line id; "all" = questions for every line
    tier: int | None = None
    status: Literal["all", "enabled", "disabled"] = "all"
    min_hits: int | None = None
    max_hits: int | None = None
    edited_after: str | None = None  # ISO date or time
    edited_before: str | None = None
    sort: Sort = "id"
    desc: bool = False
    offset: int = Field(default=0, ge=0)
    limit: int = Field(default=50, ge=1, le=1000)


def rows(snap: Snapshot, figures: Figures, query: Query, pending: dict[str, int]) -> dict:
    """The page of the list, its total, and the facets.

    Args:
        snap: the knowledge shown (live, or a draft's view).
        figures: hits, feedback, last edits.
        query: the filters.
        pending: question id -> id of an open draft that changes it.
    """
    out = [_row(qid, q, snap, figures, pending) for qid, q in snap.questions.items()]
    out = [r for r in out if _keep(r, snap.questions[r["id"]], query)]
    key = {
        "id": lambda r: r["id"],
        "title": lambda r: r["title"],
        "hits": lambda r: r["hits"],
        "down": lambda r: r["down"],
        "edited": lambda r: (r["edited"] or {}).get("at") or "",
    }[query.sort]
    out.sort(key=key, reverse=query.desc)
    return {
        "total": len(out),
        "items": out[query.offset : query.offset + query.limit],
        "facets": facets(snap),
    }


def _row(
    qid: str, q: dict[str, Any], snap: Snapshot, f: Figures, pending: dict[str, int]
) -> dict[str, Any]:
    return {
        "id": qid,
        "title": q["title"],
        "category": q.get("category", ""),
        "products": q.get("products", []),
        "tier": q.get("tier", 1),
        "similar": len(q.get("similar", [])),
        "variants": len(q.get("variants", [])),
        "tree": q.get("tree"),
        "disabled": qid in snap.disabled,
        "hits": f.hits.get(qid, 0),
        "up": f.up.get(qid, 0),
        "down": f.down.get(qid, 0),
        "edited": f.edited.get(qid),
        "draft": pending.get(qid),
    }


def _keep(r: dict[str, Any], q: dict[str, Any], query: Query) -> bool:
    if query.category and r["category"] != query.category:
        return False
    if query.product == "all" and r["products"]:
        return False
    # A question without product lines applies to every line.
    lines = r["products"]
    if query.product not in (None, "", "all") and lines and query.product not in lines:
        return False
    if query.tier and r["tier"] != query.tier:
        return False
    if query.status != "all" and r["disabled"] != (query.status == "disabled"):
        return False
    if query.min_hits is not None and r["hits"] < query.min_hits:
        return False
    if query.max_hits is not None and r["hits"] > query.max_hits:
        return False
    at = (r["edited"] or {}).get("at") or ""
    if query.edited_after and at < query.edited_after:
        return False
    if query.edited_before and (not at or at > query.edited_before):
        return False
    return not query.q or _contains(q, query.q)


def _contains(q: dict[str, Any], text: str) -> bool:
    needle = text.strip().lower()
    hay = [q["id"], q["title"], q.get("answer", ""), *q.get("similar", []), *q.get("keywords", [])]
    return any(needle in h.lower() for h in hay)


def facets(snap: Snapshot) -> dict[str, Any]:
    """What the filters can choose from."""
    counts: dict[str, int] = {}
    for q in snap.questions.values():
        counts[q.get("category", "")] = counts.get(q.get("category", ""), 0) + 1
    lines = snap.support.catalog.get("product_lines") or {}
    return {
        "categories": [{"name": k, "count": v} for k, v in counts.items()],
        "products": [{"id": k, "name": (v or {}).get("name", k)} for k, v in lines.items()],
        "tiers": [1, 2, 3, 4, 5],
        "trees": [{"id": k, "title": t.get("title", k)} for k, t in snap.trees.items()],
    }

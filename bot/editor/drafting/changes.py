"""The edits a draft holds, applied on top of a snapshot.

``KbDraft.changes``::

    {"questions": {qid: {"base": entry | None, "value": entry | None}},
     "trees": {tid: {"base": tree | None, "value": tree | None}},
     "support": {"base": hash, "value": {...}}}          # optional, from an import

An entry is ``{"data": question, "disabled": bool}``. ``base`` is the item as it was live when
the draft first touched it (None = new), ``value`` what the draft makes of it (None = delete).
A draft whose base no longer matches the live item is stale for that item: someone else
published a change to it meanwhile.
"""

from __future__ import annotations

from typing import Any

from bot.editor.catalog.questions import check_question
from bot.editor.catalog.trees import check_tree
from bot.editor.drafting.diff import question_entry
from bot.editor.drafting.snapshot import Snapshot, Support
from bot.editor.errors import Problem
from bot.editor.transfer.knowledge_files import item_hash

Changes = dict[str, Any]


def empty() -> Changes:
    """A draft without edits."""
    return {"questions": {}, "trees": {}}


def apply(live: Snapshot, changes: Changes) -> Snapshot:
    """The snapshot `live` with the draft's edits."""
    out = live.copy()
    for qid, item in changes.get("questions", {}).items():
        out.sources.pop(f"faq/{qid.rsplit('-', 1)[0]}.yml", None)
        value = item["value"]
        if value is None:
            out.questions.pop(qid, None)
            out.disabled.discard(qid)
            continue
        out.questions[qid] = value["data"]
        (out.disabled.add if value["disabled"] else out.disabled.discard)(qid)
    for tid, item in changes.get("trees", {}).items():
        out.sources.pop(f"diagnosis/{tid}.yml", None)
        if item["value"] is None:
            out.trees.pop(tid, None)
        else:
            out.trees[tid] = item["value"]
    if "support" in changes:
        out.support = Support(**changes["support"]["value"])
    return out


def support_hash(snap: Snapshot) -> str:
    """Hash of the support files, the base of an imported support change."""
    return item_hash(snap.support.files)


def put_question(changes: Changes, live: Snapshot, qid: str, entry: dict[str, Any] | None) -> None:
    """Record that the draft makes question `qid` into `entry` (None = delete)."""
    items = changes.setdefault("questions", {})
    base = items[qid]["base"] if qid in items else question_entry(live, qid)
    if entry == base:
        items.pop(qid, None)  # edited back to what is live: nothing left to publish
    else:
        items[qid] = {"base": base, "value": entry}


def put_tree(changes: Changes, live: Snapshot, tid: str, tree: dict[str, Any] | None) -> None:
    """Record that the draft makes tree `tid` into `tree` (None = delete)."""
    items = changes.setdefault("trees", {})
    base = items[tid]["base"] if tid in items else live.trees.get(tid)
    if tree == base:
        items.pop(tid, None)
    else:
        items[tid] = {"base": base, "value": tree}


def put_support(changes: Changes, live: Snapshot, support: Support) -> None:
    """Record new support files (from an import)."""
    if support.files == live.support.files:
        changes.pop("support", None)
        return
    value = Snapshot(support=support).to_json()["support"]
    base = changes["support"]["base"] if "support" in changes else support_hash(live)
    changes["support"] = {"base": base, "value": value}


def stale(changes: Changes, live: Snapshot) -> list[dict[str, str]]:
    """Items whose live state changed since the draft first touched them."""
    out = []
    for qid, item in changes.get("questions", {}).items():
        if item["base"] != question_entry(live, qid):
            out.append({"kind": "question", "id": qid})
    for tid, item in changes.get("trees", {}).items():
        if item["base"] != live.trees.get(tid):
            out.append({"kind": "tree", "id": tid})
    if "support" in changes and changes["support"]["base"] != support_hash(live):
        out.append({"kind": "support", "id": "support"})
    return out


def problems(changes: Changes, live: Snapshot) -> list[Problem]:
    """What keeps the edited items from going live (the full file rules)."""
    view = apply(live, changes)
    products = view.product_ids or None
    found: list[Problem] = []
    for item in changes.get("questions", {}).values():
        if item["value"] is not None:
            found += check_question(item["value"]["data"], products)[1]
    for item in changes.get("trees", {}).values():
        if item["value"] is not None:
            found += check_tree(item["value"], products, view.skills)[1]
    return found


def count(changes: Changes) -> int:
    """How many items the draft touches."""
    return (
        len(changes.get("questions", {}))
        + len(changes.get("trees", {}))
        + (1 if "support" in changes else 0)
    )

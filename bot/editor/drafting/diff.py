"""What changed between two snapshots: per question and per tree, field by field.

The shape (stored with every version, shown on review)::

    {"questions": {"added": [...], "removed": [...], "changed": [...]},
     "trees": {"added": [...], "removed": [...], "changed": [...]},
     "support": ["synonyms.yml", ...],            # support files whose content changed
     "counts": {"questions": 3, "trees": 1, "support": 0}}

A changed question is ``{"id", "title", "fields": {name: {"before", "after"[, "added",
"removed"]}}}``; ``disabled`` is a field like any other. A changed tree also lists
``nodes: {"added", "removed", "changed": [{"id", "fields"}]}``.
"""

from __future__ import annotations

from typing import Any

from bot.editor.drafting.snapshot import Snapshot

Entry = dict[str, Any]


def question_entry(snap: Snapshot, qid: str) -> Entry | None:
    """A question with its disabled flag, as compared and stored in drafts."""
    data = snap.questions.get(qid)
    return None if data is None else {"data": data, "disabled": qid in snap.disabled}


def fields_diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """Changed keys of two mappings; lists of texts also say what was added and removed.

    A list of texts in another order only (product lines ticked in another order, phrasings
    sorted) is no change: the matcher and the answers do not depend on it.
    """
    out: dict[str, Any] = {}
    for key in dict.fromkeys([*before, *after]):
        old, new = before.get(key), after.get(key)
        if old == new:
            continue
        change: dict[str, Any] = {"before": old, "after": new}
        if _texts(old) and _texts(new):
            change["added"] = [x for x in new or [] if x not in (old or [])]
            change["removed"] = [x for x in old or [] if x not in (new or [])]
            if not change["added"] and not change["removed"] and len(old or []) == len(new or []):
                continue
        out[key] = change
    return out


def _texts(value: Any) -> bool:
    return value is None or (isinstance(value, list) and all(isinstance(x, str) for x in value))


def question_change(qid: str, old: Entry | None, new: Entry | None) -> tuple[str, Entry] | None:
    """("added" | "removed" | "changed", item) for one question, or None when equal."""
    if old == new:
        return None
    if old is None and new is not None:
        return "added", {"id": qid, "title": new["data"].get("title"), "after": new}
    if new is None and old is not None:
        return "removed", {"id": qid, "title": old["data"].get("title"), "before": old}
    assert old is not None and new is not None
    fields = fields_diff(old["data"], new["data"])
    if old["disabled"] != new["disabled"]:
        fields["disabled"] = {"before": old["disabled"], "after": new["disabled"]}
    if not fields:
        return None  # only an order changed
    return "changed", {"id": qid, "title": new["data"].get("title"), "fields": fields}


def tree_change(
    tid: str, old: dict[str, Any] | None, new: dict[str, Any] | None
) -> tuple[str, Entry] | None:
    """("added" | "removed" | "changed", item) for one tree, or None when equal."""
    if old == new:
        return None
    if old is None and new is not None:
        return "added", {"id": tid, "title": new.get("title"), "after": new}
    if new is None and old is not None:
        return "removed", {"id": tid, "title": old.get("title"), "before": old}
    assert old is not None and new is not None
    top = fields_diff(
        {k: v for k, v in old.items() if k != "nodes"},
        {k: v for k, v in new.items() if k != "nodes"},
    )
    before = {n["id"]: n for n in old.get("nodes", [])}
    after = {n["id"]: n for n in new.get("nodes", [])}
    nodes = {
        "added": [after[n] for n in after if n not in before],
        "removed": [before[n] for n in before if n not in after],
        "changed": [
            {"id": n, "fields": fields_diff(before[n], after[n])}
            for n in after
            if n in before and before[n] != after[n]
        ],
    }
    return "changed", {"id": tid, "title": new.get("title"), "fields": top, "nodes": nodes}


def diff(old: Snapshot | None, new: Snapshot) -> dict[str, Any]:
    """Everything that changed from `old` to `new` (all of `new` is added when `old` is None)."""
    base = old or Snapshot()
    questions: dict[str, list[Entry]] = {"added": [], "removed": [], "changed": []}
    for qid in dict.fromkeys([*base.questions, *new.questions]):
        found = question_change(qid, question_entry(base, qid), question_entry(new, qid))
        if found:
            questions[found[0]].append(found[1])
    trees: dict[str, list[Entry]] = {"added": [], "removed": [], "changed": []}
    for tid in dict.fromkeys([*base.trees, *new.trees]):
        change = tree_change(tid, base.trees.get(tid), new.trees.get(tid))
        if change:
            trees[change[0]].append(change[1])
    support = [
        name
        for name in sorted({*base.support.files, *new.support.files})
        if base.support.files.get(name) != new.support.files.get(name)
    ]
    return {
        "questions": questions,
        "trees": trees,
        "support": support,
        "counts": {
            "questions": sum(len(v) for v in questions.values()),
            "trees": sum(len(v) for v in trees.values()),
            "support": len(support),
        },
    }


def touched(d: dict[str, Any]) -> tuple[set[str], set[str]]:
    """Ids of the questions and trees a diff touches."""
    qs = {i["id"] for part in d["questions"].values() for i in part}
    ts = {i["id"] for part in d["trees"].values() for i in part}
    return qs, ts


def slim(d: dict[str, Any]) -> dict[str, Any]:
    """A diff for storage with a version: whole added/removed items kept only as id + title
    (the snapshots have them), except when there are few."""
    if d["counts"]["questions"] + d["counts"]["trees"] <= 50:
        return d
    out = {**d, "questions": dict(d["questions"]), "trees": dict(d["trees"])}
    for part in ("questions", "trees"):
        for kind in ("added", "removed"):
            out[part][kind] = [{"id": i["id"], "title": i["title"]} for i in d[part][kind]]
    return out

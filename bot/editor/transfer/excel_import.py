"""Reading the Excel workbook back into questions, with a problem per sheet, row and column."""

from __future__ import annotations

import re
from typing import Any

from bot.editor.catalog.questions import canonical, check_question, next_id
from bot.editor.drafting.snapshot import Snapshot
from bot.editor.errors import Problem
from bot.editor.transfer.chinese_names import Names
from bot.editor.transfer.excel import (
    DISABLED,
    ENABLED,
    MAIN,
    NO_LINKS,
    SIMILAR,
    TITLE,
    VARIANTS,
    cell_text,
    read_rows,
)

_SPLIT = re.compile(r"[,，、;；\n]+")


def _list(value: Any) -> list[str]:
    return [x.strip() for x in _SPLIT.split(cell_text(value)) if x.strip()]


def _links(value: Any) -> list[dict[str, str]]:
    out = []
    for line in cell_text(value).splitlines():
        if line.strip():
            title, _, url = line.rpartition("|")
            out.append({"title": title.strip(), "url": url.strip()})
    return out


def read_workbook(
    data: bytes, live: Snapshot, taken: set[str]
) -> tuple[dict[str, dict[str, Any]], set[str], list[Problem]]:
    """Questions (canonical JSON), the disabled ids and the problems of a workbook.

    A 标准问 row with an empty ID is a new question: it gets the next id of its category.

    Args:
        data: the .xlsx file.
        live: the live snapshot (categories and product lines to check against).
        taken: ids that may not be given to new questions.
    """
    try:
        main, variant_rows = read_rows(data)
    except ValueError as err:
        return {}, set(), [Problem("", "", "bad_workbook", str(err), "file")]
    found: list[Problem] = []
    raw: dict[str, dict[str, Any]] = {}
    rows_of: dict[str, int] = {}
    disabled: set[str] = set()
    slugs = live.categories()
    names = Names(live)
    taken = set(taken)
    current: str | None = None
    for r in main:
        where = f"{MAIN}!{r['_row']}"
        kind, qid = cell_text(r["type"]), cell_text(r["id"])
        if kind == TITLE:
            category = cell_text(r["category"])
            if not qid:
                if category not in slugs:
                    found.append(Problem(where, "分类", "unknown_category", category, "file"))
                    current = None
                    continue
                qid = next_id(slugs[category], taken)
            if qid in raw:
                found.append(Problem(where, "标准问ID", "duplicate_id", qid, "file"))
                current = None
                continue
            if slugs.get(category) != qid.rsplit("-", 1)[0]:
                # A category is a file: a question moves to another one as a new question.
                found.append(Problem(where, "分类", "category_mismatch", category, "file"))
            taken.add(qid)
            current, rows_of[qid] = qid, r["_row"]
            raw[qid] = _question(qid, r, names)
            status = cell_text(r["status"]) or ENABLED
            if status not in (ENABLED, DISABLED):
                found.append(Problem(where, "状态", "bad_status", status, "file"))
            if status == DISABLED:
                disabled.add(qid)
        elif kind == SIMILAR:
            if current is None or (qid and qid != current):
                found.append(Problem(where, "标准问ID", "orphan_phrasing", qid, "file"))
                continue
            raw[current]["similar"].append(cell_text(r["text"]))
        else:
            found.append(Problem(where, "类型", "bad_type", kind, "file"))
    for r in variant_rows:
        qid = cell_text(r["id"])
        if qid not in raw:
            found.append(Problem(f"{VARIANTS}!{r['_row']}", "标准问ID", "unknown_id", qid, "file"))
            continue
        raw[qid]["variants"].append(_variant(r, names))
    questions: dict[str, dict[str, Any]] = {}
    for qid, data_ in raw.items():
        question, problems = check_question(data_, live.product_ids or None)
        for p in problems:
            found.append(Problem(f"{MAIN}!{rows_of[qid]}", p.field, p.code, p.message, "file"))
        if question is not None:
            questions[qid] = canonical(question)
    return questions, disabled, found


def _question(qid: str, r: dict[str, Any], names: Names) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": qid,
        "title": cell_text(r["text"]),
        "category": cell_text(r["category"]),
        "products": [names.id_of("products", p) for p in _list(r["products"])],
        "keywords": _list(r["keywords"]),
        "similar": [],
        "answer": cell_text(r["answer"]),
        "variants": [],
        "links": _links(r["links"]),
    }
    tier = cell_text(r["tier"])
    if tier:
        data["tier"] = int(tier) if tier.isdigit() else tier
    for key in ("valid_from", "valid_until"):
        if cell_text(r[key]):
            data[key] = cell_text(r[key])
    if cell_text(r["tree"]):
        data["tree"] = names.id_of("trees", cell_text(r["tree"]))
    return data


def _variant(r: dict[str, Any], names: Names) -> dict[str, Any]:
    when: dict[str, Any] = {}
    if cell_text(r["channel"]):
        when["channel"] = names.id_of("channels", cell_text(r["channel"]))
    if _list(r["tags"]):
        when["tags"] = [names.id_of("tags", t) for t in _list(r["tags"])]
    out: dict[str, Any] = {"when": when, "answer": cell_text(r["answer"])}
    links = cell_text(r["links"])
    if links == NO_LINKS:
        out["links"] = []
    elif links:
        out["links"] = _links(links)
    return out

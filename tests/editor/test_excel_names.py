"""The Excel workbook speaks Chinese: product lines, customer tags, channels and trees by name;
a workbook with the ids (older exports, hand edits) imports the same."""

from __future__ import annotations

import io
import re
from typing import Any

from openpyxl import load_workbook
from openpyxl.workbook import Workbook

from bot.editor.transfer.excel import COLUMNS, MAIN, TITLE, VARIANT_COLUMNS, VARIANTS
from tests.editor.conftest import Api

ID = re.compile(r"^[a-z][a-z_]*$")


def column(key: str, columns: list[tuple[str, str, int]] = COLUMNS) -> int:
    return [k for k, _, _ in columns].index(key)


def title_row(wb: Workbook, qid: str) -> tuple[Any, ...]:
    return next(r for r in wb[MAIN].iter_rows(values_only=True) if r[0] == qid and r[1] == TITLE)


def export(api: Api) -> bytes:
    return bytes(api.call("editor", "GET", "/api/kb/export.xlsx").content)


def test_workbook_names_product_lines_tags_channels_and_trees_in_chinese(api: Api) -> None:
    wb = load_workbook(io.BytesIO(export(api)))
    assert (
        title_row(wb, "power-001")[column("products")] == "轻薄笔记本、游戏本（逐影 Raptor 系列）"
    )
    trees = [r[column("tree")] for r in wb[MAIN].iter_rows(min_row=2, values_only=True)]
    assert "开不了机" in trees
    shown = [
        str(r[column(key)])
        for r in wb[MAIN].iter_rows(min_row=2, values_only=True)
        for key in ("products", "tree")
        if r[column(key)]
    ]
    variants = list(wb[VARIANTS].iter_rows(min_row=2, values_only=True))
    channel, tags = column("channel", VARIANT_COLUMNS), column("tags", VARIANT_COLUMNS)
    channels = {r[channel] for r in variants if r[channel]}
    assert "微信" in channels and not channels & {"web", "wechat"}
    assert any("游戏本（逐影 Raptor 系列）用户" in str(r[tags]) for r in variants)
    shown += [str(r[k]) for r in variants for k in (channel, tags) if r[k]]
    ids = [s for s in shown for part in re.split("[、,]", s) if ID.match(part.strip())]
    assert ids == [], ids[:10]


def test_workbook_with_ids_imports_as_the_same_questions(api: Api) -> None:
    wb = load_workbook(io.BytesIO(export(api)))
    for row in wb[MAIN].iter_rows(min_row=2):
        if row[0].value == "power-001" and row[1].value == TITLE:
            row[column("products")].value = "book, raptor"
            row[column("tree")].value = "no_power"
    for row in wb[VARIANTS].iter_rows(min_row=2):
        if row[0].value == "power-001" and row[column("channel", VARIANT_COLUMNS)].value:
            row[column("channel", VARIANT_COLUMNS)].value = "wechat"
    out = io.BytesIO()
    wb.save(out)
    res = api.ok(
        "editor",
        "POST",
        "/api/kb/import/preview",
        files={"file": ("ids.xlsx", out.getvalue())},
        data={"mode": "merge"},
    )
    assert res["ok"] and res["problems"] == []
    assert res["diff"]["counts"] == {"questions": 0, "trees": 0, "support": 0}

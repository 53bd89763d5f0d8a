"""The knowledge workbook from the editor page, in Chromium: product lines, trees and channels
are named in Chinese, and the same workbook imported back changes nothing."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Browser, expect

from bot.editor.transfer.excel import COLUMNS, MAIN, TITLE
from tests.e2e.test_editor_page import _login

pytestmark = pytest.mark.e2e


def test_exported_workbook_speaks_chinese_and_imports_back_unchanged(
    browser: Browser, live_stack: Any, tmp_path: Path
) -> None:
    errors: list[str] = []
    editor = _login(browser, live_stack.url, "editor", errors)
    editor.click("nav button[data-tab=io]")
    with editor.expect_download() as got:
        editor.click("#export-xlsx")
    saved = tmp_path / "知识库.xlsx"
    got.value.save_as(saved)
    sheet = load_workbook(io.BytesIO(saved.read_bytes()))[MAIN]
    keys = [key for key, _, _ in COLUMNS]
    row = next(
        r for r in sheet.iter_rows(values_only=True) if r[0] == "power-001" and r[1] == TITLE
    )
    assert row[keys.index("products")] == "轻薄笔记本、游戏本（逐影 Raptor 系列）"
    assert row[keys.index("tree")] == "开不了机"

    editor.set_input_files("#import-file", str(saved))
    editor.click("#import-preview")
    summary = editor.locator("#import-summary")
    expect(summary).to_contain_text("将改动 0 个标准问、0 棵诊断树")
    expect(editor.locator("#import-apply")).to_be_disabled()
    editor.context.close()
    assert errors == []

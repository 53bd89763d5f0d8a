"""Importing on the editor page, in Chromium: a zip and a workbook each become a draft through
an import job (the page follows the job, then opens the draft)."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from typing import Any

import httpx
import pytest
from openpyxl import load_workbook
from playwright.sync_api import Browser, Page, expect

from bot.editor.transfer.excel import MAIN, SIMILAR
from tests.e2e.helpers import StaffClient
from tests.e2e.test_editor_page import _login

pytestmark = pytest.mark.e2e


def _download(page: Page, button: str, target: Path) -> Path:
    with page.expect_download() as got:
        page.click(button)
    got.value.save_as(target)
    return target


def _import(page: Page, path: Path, phrasing: str) -> int:
    """Preview, import, and wait for the page to open the new draft; its id."""
    page.set_input_files("#import-file", str(path))
    page.click("#import-preview")
    expect(page.locator("#import-summary")).to_contain_text("将改动 1 个标准问")
    page.click("#import-apply")
    done = page.locator("#import-done")
    expect(done).to_contain_text("已导入为草稿")
    expect(page.locator("#draft-detail")).to_contain_text(phrasing)
    found = re.search(r"#(\d+)", done.inner_text())
    assert found, done.inner_text()
    return int(found.group(1))


def test_the_page_imports_a_zip_and_a_workbook_as_drafts(
    browser: Browser, live_stack: Any, tmp_path: Path
) -> None:
    errors: list[str] = []
    staff = StaffClient(live_stack.url, "editor")
    page = _login(browser, live_stack.url, "editor", errors)
    page.click("nav button[data-tab=io]")
    drafts: list[int] = []
    try:
        # A zip: the live knowledge with one more phrasing on power-007.
        exported = _download(page, "#export-zip", tmp_path / "knowledge.zip")
        out = tmp_path / "导入.zip"
        with zipfile.ZipFile(exported) as src, zipfile.ZipFile(out, "w") as dst:
            for name in src.namelist():
                body = src.read(name).decode("utf-8")
                if name == "faq/power.yml":
                    at = body.index("    similar:\n", body.index("- id: power-007\n"))
                    at += len("    similar:\n")
                    body = body[:at] + "      - 压缩包导入的问法 橙子口令七三\n" + body[at:]
                dst.writestr(name, body)
        drafts.append(_import(page, out, "压缩包导入的问法 橙子口令七三"))

        # A workbook: the live workbook with one more phrasing on power-006.
        page.click("nav button[data-tab=io]")
        saved = _download(page, "#export-xlsx", tmp_path / "知识库.xlsx")
        wb = load_workbook(io.BytesIO(saved.read_bytes()))
        ws = wb[MAIN]
        rows = ws.iter_rows(min_row=2)
        row = next(r for r in rows if r[0].value == "power-006" and r[1].value == SIMILAR)
        ws.insert_rows(row[0].row + 1)
        for col, value in enumerate(("power-006", SIMILAR, "表格导入的问法 柚子口令四一"), 1):
            ws.cell(row[0].row + 1, col, value)
        book = tmp_path / "导入.xlsx"
        wb.save(book)
        drafts.append(_import(page, book, "表格导入的问法 柚子口令四一"))

        items = [staff.get(f"/api/kb/drafts/{d}")["items"] for d in drafts]
        assert [[i["id"] for i in part] for part in items] == [["power-007"], ["power-006"]]
        audit = staff.get("/api/kb/audit?action=import.apply&limit=2")["items"]
        assert {int(e["target_id"]) for e in audit} == set(drafts)
        assert all(len(e["detail"]["job"]) == 32 for e in audit)
    finally:
        for d in drafts:
            httpx.delete(f"{live_stack.url}/api/kb/drafts/{d}", headers=staff.headers)
        page.context.close()
    assert errors == []

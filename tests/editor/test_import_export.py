"""Export and import: the knowledge/ format as a zip, and the Excel workbook."""

from __future__ import annotations

import io
import zipfile
from typing import Any

from openpyxl import load_workbook

from bot.editor.transfer.excel import MAIN, SIMILAR, VARIANTS
from tests.editor.conftest import Api


def _preview(api: Api, name: str, data: bytes, mode: str = "merge") -> dict[str, Any]:
    return api.ok(
        "editor",
        "POST",
        "/api/kb/import/preview",
        files={"file": (name, data)},
        data={"mode": mode},
    )


def _edit_workbook(data: bytes, edit: Any) -> bytes:
    wb = load_workbook(io.BytesIO(data))
    edit(wb)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


class TestExcel:
    def test_round_trip_changes_nothing(self, api: Api) -> None:
        data = api.call("editor", "GET", "/api/kb/export.xlsx").content
        wb = load_workbook(io.BytesIO(data))
        main = wb[MAIN]
        live = api.ok("editor", "GET", "/api/kb/live")
        phrasings = sum(
            1 + r["similar"]
            for r in api.ok("editor", "GET", "/api/kb/questions", params={"limit": 1000})["items"]
        )
        assert main.max_row - 1 == phrasings  # one row per phrasing (title rows included)
        assert live["questions"] > 500 and wb[VARIANTS].max_row > 1
        res = _preview(api, "kb.xlsx", data)
        assert res["ok"] and res["problems"] == []
        assert res["diff"]["counts"] == {"questions": 0, "trees": 0, "support": 0}
        job = api.import_job("editor", "kb.xlsx", data)
        assert job["state"] == "failed" and job["result"] is None
        assert (job["error"]["status"], job["error"]["code"]) == (409, "no_change")

    def test_edited_workbook_shows_changes_then_drafts_them(self, api: Api) -> None:
        data = api.call("editor", "GET", "/api/kb/export.xlsx").content

        def edit(wb: Any) -> None:
            ws = wb[MAIN]
            for row in ws.iter_rows(min_row=2):
                if row[0].value == "account-005" and row[1].value == SIMILAR:
                    ws.insert_rows(row[0].row + 1)
                    ws.cell(row[0].row + 1, 1, "account-005")
                    ws.cell(row[0].row + 1, 2, SIMILAR)
                    ws.cell(row[0].row + 1, 3, "表格导入的新问法")
                    break

        res = _preview(api, "kb.xlsx", _edit_workbook(data, edit))
        assert res["ok"], res["problems"]
        (changed,) = res["diff"]["questions"]["changed"]
        assert changed["id"] == "account-005"
        assert changed["fields"]["similar"]["added"] == ["表格导入的新问法"]
        job = api.import_job("editor", "kb.xlsx", _edit_workbook(data, edit), title="表格导入")
        assert job["state"] == "done" and job["error"] is None, job
        draft = job["result"]
        assert draft["title"] == "表格导入" and [i["id"] for i in draft["items"]] == ["account-005"]
        api.ok("editor", "DELETE", f"/api/kb/drafts/{draft['id']}")

    def test_bad_rows_are_named(self, api: Api) -> None:
        data = api.call("editor", "GET", "/api/kb/export.xlsx").content

        def edit(wb: Any) -> None:
            ws = wb[MAIN]
            ws.cell(2, 7, 9)  # tier 9 on the first question
            ws.cell(2, 6, "toaster")  # unknown product line

        res = _preview(api, "kb.xlsx", _edit_workbook(data, edit))
        assert res["ok"] is False and res["diff"] is None
        fields = {(p["item"], p["field"]) for p in res["problems"]}
        assert (f"{MAIN}!2", "tier") in fields and (f"{MAIN}!2", "products") in fields
        garbage = _preview(api, "kb.xlsx", b"not a workbook")
        assert garbage["problems"][0]["code"] == "bad_workbook"


class TestZip:
    def test_round_trip_changes_nothing(self, api: Api) -> None:
        data = api.call("editor", "GET", "/api/kb/export.zip").content
        names = zipfile.ZipFile(io.BytesIO(data)).namelist()
        assert "catalog.yml" in names and "faq/power.yml" in names
        assert "diagnosis/no_power.yml" in names and "diagnosis/_controls.yml" in names
        res = _preview(api, "kb.zip", data, mode="replace")
        assert res["ok"], res["problems"]
        assert res["diff"]["counts"] == {"questions": 0, "trees": 0, "support": 0}

    def test_broken_yaml_is_reported_with_file_and_line(self, api: Api) -> None:
        data = api.call("editor", "GET", "/api/kb/export.zip").content
        src = zipfile.ZipFile(io.BytesIO(data))
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as dst:
            for name in src.namelist():
                body = src.read(name)
                if name == "faq/invoice.yml":
                    body = body.replace(b"questions:", b"questions: [", 1)
                dst.writestr(name, body)
        res = _preview(api, "kb.zip", out.getvalue())
        assert res["ok"] is False
        assert any("invoice.yml" in p["item"] for p in res["problems"])

    def test_any_version_exports_as_a_named_zip(self, api: Api) -> None:
        first = api.call("editor", "GET", "/api/kb/export.zip", params={"version": 1})
        assert (
            first.status_code == 200 and "knowledge-v1.zip" in first.headers["content-disposition"]
        )

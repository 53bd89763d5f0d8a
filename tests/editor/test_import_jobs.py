"""Imports as background jobs: the request answers at once, the job ends done or failed."""

from __future__ import annotations

import io
import socket
import sqlite3
import subprocess
import sys
import zipfile

from openpyxl import load_workbook

from bot.editor.transfer.excel import MAIN, SIMILAR
from tests.editor.conftest import Api
from tests.polling import poll_until


def _workbook_with_phrasing(api: Api, qid: str, text: str) -> bytes:
    """The live workbook with one more similar phrasing on `qid`."""
    wb = load_workbook(io.BytesIO(api.call("editor", "GET", "/api/kb/export.xlsx").content))
    ws = wb[MAIN]
    row = next(r for r in ws.iter_rows(min_row=2) if r[0].value == qid and r[1].value == SIMILAR)
    at = row[0].row + 1
    ws.insert_rows(at)
    for col, value in enumerate((qid, SIMILAR, text), start=1):
        ws.cell(at, col, value)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _queue(api: Api, user: str, name: str, data: bytes) -> str:
    resp = api.call(user, "POST", "/api/kb/import", files={"file": (name, data)})
    assert resp.status_code == 202, resp.text
    assert resp.json()["state"] == "queued"
    return str(resp.headers["location"])


def _state(api: Api, location: str) -> str:
    return str(api.ok("editor", "GET", location)["state"])


def test_another_request_is_served_while_an_import_runs(api: Api) -> None:
    data = _workbook_with_phrasing(api, "account-006", "导入排队时的新问法")
    location = _queue(api, "editor", "kb.xlsx", data)
    db = sqlite3.connect(api.settings.db.url.removeprefix("sqlite:///"), isolation_level=None)
    try:
        # Hold the database's write lock: the job may read and check the file, but it cannot
        # store its draft nor its end until the lock is let go, so it has not ended meanwhile.
        db.execute("BEGIN IMMEDIATE")
        assert api.ok("editor", "GET", "/api/kb/live")["questions"] > 500
        assert api.ok("editor", "GET", "/api/kb/questions/account-007")["question"]["id"]
        assert _state(api, location) in ("queued", "running")  # answered before the job ended
    finally:
        db.execute("ROLLBACK")
        db.close()
    job = poll_until(
        lambda: api.ok("editor", "GET", location), lambda j: j["state"] in ("done", "failed")
    )
    assert job["state"] == "done", job
    assert [i["id"] for i in job["result"]["items"]] == ["account-006"]
    entry = api.ok("editor", "GET", "/api/kb/audit", params={"action": "import.apply"})["items"][0]
    assert (entry["actor"], entry["target_id"]) == ("editor", str(job["result"]["id"]))
    assert entry["detail"]["job"] == job["id"] and entry["detail"]["file"] == "kb.xlsx"
    api.ok("editor", "DELETE", f"/api/kb/drafts/{job['result']['id']}")


def test_a_bad_file_ends_failed_naming_file_and_line(api: Api) -> None:
    data = api.call("editor", "GET", "/api/kb/export.zip").content
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for name in src.namelist():
            body = src.read(name)
            if name == "faq/warranty.yml":
                body = body.replace(b"questions:", b"questions: [", 1)
            dst.writestr(name, body)
    job = api.import_job("editor", "kb.zip", out.getvalue())
    assert job["state"] == "failed" and job["result"] is None
    assert (job["error"]["status"], job["error"]["code"]) == (422, "invalid")
    assert job["problems"] == job["error"]["problems"]
    (problem,) = job["problems"]  # named as in the zip, with its line
    assert problem["item"].startswith("faq/warranty.yml:"), problem
    assert int(problem["item"].rsplit(":", 1)[1]) > 0 and "YAML" in problem["message"]
    sheet = api.import_job("editor", "kb.xlsx", b"not a workbook")
    assert sheet["state"] == "failed" and sheet["problems"][0]["code"] == "bad_workbook"
    odd = api.import_job("editor", "kb.txt", b"hello")
    assert [(p["item"], p["code"]) for p in odd["problems"]] == [("kb.txt", "bad_format")]


def test_only_its_author_and_admins_read_the_job(api: Api) -> None:
    location = _queue(api, "editor", "kb.txt", b"hello")
    assert api.call("super", "GET", location).status_code == 403
    assert api.call("agent1", "GET", location).status_code == 403
    assert api.call(None, "GET", location).status_code == 401
    assert api.call("reviewer", "GET", location).status_code == 404  # another editor's job
    assert api.call("admin", "GET", location).status_code == 200
    assert api.call("super", "POST", "/api/kb/import", files={"file": ("a.zip", b"")}).status_code
    assert api.call("editor", "GET", "/api/kb/import/" + "0" * 32).status_code == 404
    assert api.call("editor", "GET", "/api/kb/import/..%2F..%2Fkefu").status_code in (404, 422)


def test_wait_answers_as_the_synchronous_import_did(api: Api) -> None:
    data = _workbook_with_phrasing(api, "account-008", "等待导入完成的新问法")
    files = {"file": ("kb.xlsx", data)}
    resp = api.call("editor", "POST", "/api/kb/import", params={"wait": 10}, files=files)
    assert resp.status_code == 201, resp.text
    assert [i["id"] for i in resp.json()["items"]] == ["account-008"]
    api.ok("editor", "DELETE", f"/api/kb/drafts/{resp.json()['id']}")
    bad = api.call(
        "editor", "POST", "/api/kb/import", params={"wait": 10}, files={"file": ("x.txt", b"")}
    )
    assert bad.status_code == 422 and bad.json()["error"]["problems"][0]["code"] == "bad_format"
    too_long = api.call("editor", "POST", "/api/kb/import", params={"wait": 60}, files=files)
    assert too_long.status_code == 422


def test_a_job_whose_process_died_is_reported_failed(api: Api) -> None:
    location = _queue(api, "editor", "kb.txt", b"hello")
    done = poll_until(lambda: _state(api, location), lambda s: s in ("done", "failed"))
    assert done == "failed"
    gone = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    db = sqlite3.connect(api.settings.db.url.removeprefix("sqlite:///"), isolation_level=None)
    owner = f"{socket.gethostname()}:{gone}:stopped"  # this host, a process that is gone
    db.execute(
        "UPDATE kb_import_jobs SET state = 'running', job = json_set(job, '$.state', 'running',"
        " '$.owner', ?, '$.error', json('null'), '$.problems', json('[]')) WHERE id = ?",
        (owner, location.rsplit("/", 1)[1]),
    )
    db.close()
    seen = api.ok("editor", "GET", location)
    assert seen["state"] == "failed" and seen["error"]["code"] == "interrupted"
    assert "owner" not in seen

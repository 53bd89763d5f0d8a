"""Bad input to the staff API and the chat is a clear 4xx, never a 500 (issue 17, item 11)."""

from __future__ import annotations

import io
import zipfile

import pytest

from tests.editor.conftest import Api

HUGE = "268158616588004392960"  # over 64 bits


@pytest.mark.parametrize(
    ("user", "path"),
    [
        ("agent1", f"/api/handoffs/{HUGE}/suggestions"),
        ("agent1", f"/api/handoffs/{HUGE}"),
        ("editor", f"/api/kb/drafts/{HUGE}"),
        ("editor", f"/api/kb/versions/{HUGE}"),
        ("super", f"/api/workorders/{HUGE}"),
    ],
)
def test_id_over_64_bits_in_the_path_is_a_400(api: Api, user: str, path: str) -> None:
    resp = api.call(user, "GET", path)
    assert resp.status_code == 400, resp.text
    assert resp.json()["error"]["code"] == "out_of_range"


@pytest.mark.parametrize(
    ("path", "params", "field"),
    [
        ("/api/kb/versions", {"offset": HUGE}, "offset"),
        ("/api/kb/versions", {"limit": -5}, "limit"),
        ("/api/kb/learn/unmatched", {"days": -(10**12)}, "days"),
        ("/api/kb/learn/unmatched", {"days": 10**12}, "days"),
        ("/api/kb/learn/unmatched", {"limit": 0}, "limit"),
        ("/api/kb/audit", {"limit": -5}, "limit"),
        ("/api/kb/audit", {"offset": -5}, "offset"),
        ("/api/kb/learn/feedback", {"limit": -1}, "limit"),
    ],
)
def test_out_of_range_query_is_a_422_naming_the_parameter(
    api: Api, path: str, params: dict[str, object], field: str
) -> None:
    resp = api.call("editor", "GET", path, params=params)
    assert resp.status_code == 422, resp.text
    assert [d["field"] for d in resp.json()["error"]["details"]] == [field]


def test_lone_surrogate_in_a_message_is_a_422_and_nothing_is_stored(api: Api) -> None:
    body = '{"sender": "surrogate-test", "message": "\\ud800 你好"}'
    resp = api.client.post(
        "/webhooks/rest/webhook", content=body, headers={"content-type": "application/json"}
    )
    assert resp.status_code == 422, resp.text
    assert "surrogate" in resp.json()["error"]["details"][0]["problem"]
    assert api.call("super", "GET", "/api/conversations/surrogate-test").status_code == 404


def test_zip_whose_header_understates_a_size_is_refused_by_name(api: Api) -> None:
    data = api.call("editor", "GET", "/api/kb/export.zip").content
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for name in src.namelist():
            dst.writestr(name, src.read(name), zipfile.ZIP_DEFLATED)
        # The central directory (written on close) says catalog.yml is 10 bytes long.
        next(i for i in dst.filelist if i.filename == "catalog.yml").file_size = 10
    preview = api.ok(
        "editor",
        "POST",
        "/api/kb/import/preview",
        files={"file": ("kb.zip", out.getvalue())},
        data={"mode": "replace"},
    )
    assert preview["ok"] is False
    assert [(p["item"], p["code"]) for p in preview["problems"]] == [("catalog.yml", "bad_zip")]
    job = api.import_job("editor", "kb.zip", out.getvalue())
    assert (job["state"], job["error"]["status"]) == ("failed", 422), job
    assert [(p["item"], p["code"]) for p in job["problems"]] == [("catalog.yml", "bad_zip")]


def _zip_with(api: Api, name: str, body: bytes) -> bytes:
    """The live knowledge as a zip, with `name` added or replaced."""
    data = api.call("editor", "GET", "/api/kb/export.zip").content
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for member in src.namelist():
            if member != name:
                dst.writestr(member, src.read(member), zipfile.ZIP_DEFLATED)
        dst.writestr(name, body, zipfile.ZIP_DEFLATED)
    return out.getvalue()


BOMB = b"a: &a [x, x, x, x, x, x, x, x, x, x]\n" + b"".join(
    f"{c}: &{c} [{', '.join(['*' + p] * 10)}]\n".encode()
    for p, c in zip("abcdefgh", "bcdefghi", strict=True)
)  # ten to the ninth nodes once aliases are followed


@pytest.mark.parametrize(
    ("body", "limit"),
    [
        (b"".join(b"k%d: v\n" % i for i in range(300_000)), "bytes per file"),
        (b"questions: [" + b"a," * 250_000 + b"]\n", "YAML nodes per import"),
        (BOMB, "YAML nodes per import"),
    ],
    ids=["300k keys", "250k list items", "alias bomb"],
)
def test_yaml_over_a_parse_bound_is_refused_naming_the_limit(
    api: Api, body: bytes, limit: str
) -> None:
    res = api.ok(
        "editor",
        "POST",
        "/api/kb/import/preview",
        files={"file": ("kb.zip", _zip_with(api, "faq/huge.yml", body))},
        data={"mode": "merge"},
    )
    assert res["ok"] is False
    ((item, code, message),) = [(p["item"], p["code"], p["message"]) for p in res["problems"]]
    assert (item, code) == ("faq/huge.yml", "too_large") and limit in message, message

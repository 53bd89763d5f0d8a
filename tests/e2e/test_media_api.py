"""Pictures and files over HTTP on the live app: who may upload and read, and how they are
served (never as something that runs in the app's origin)."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from websockets.sync.client import ClientConnection

from tests.chat_client import Visitor, chat_socket
from tests.conftest import LiveStack
from tests.e2e.helpers import StaffClient, stored_messages
from tests.media import samples

pytestmark = pytest.mark.e2e


def new_visitor(url: str) -> Visitor:
    with chat_socket(url) as (_, visitor):
        return visitor


def upload(url: str, token: str | None, name: str, data: bytes, ctype: str) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    files = {"file": (name, data, ctype)}
    return httpx.post(f"{url}/api/media/chat", files=files, headers=headers, timeout=30)


def fetch(url: str, media_url: str, token: str | None) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.get(f"{url}{media_url}", headers=headers, timeout=30)


class TestMediaOverHttp:
    def test_a_visitors_picture_is_served_to_them_and_staff_only_and_cannot_run(
        self, live_stack: LiveStack
    ) -> None:
        url = live_stack.url
        owner, other = new_visitor(url), new_visitor(url)
        resp = upload(url, owner.token, "蓝屏.png", samples.png(), "image/png")
        assert resp.status_code == 201, resp.text
        media = resp.json()
        assert (media["kind"], media["type"], media["name"]) == ("image", "image/png", "蓝屏.png")

        served = fetch(url, media["url"], owner.token)
        assert served.status_code == 200
        assert served.content.startswith(b"\x89PNG")
        assert served.headers["content-type"] == "image/png"
        assert served.headers["x-content-type-options"] == "nosniff"
        assert served.headers["content-security-policy"].startswith("sandbox")
        assert served.headers["content-disposition"].startswith("inline;")

        assert fetch(url, media["url"], other.token).status_code == 404
        assert fetch(url, media["url"], None).status_code == 401
        assert fetch(url, media["url"], StaffClient(url, "agent1").token).status_code == 200
        assert fetch(url, media["url"], StaffClient(url, "editor").token).status_code == 404
        assert fetch(url, "/media/not-a-real-id", owner.token).status_code == 404

    def test_a_file_is_served_as_an_attachment_with_its_sniffed_type(
        self, live_stack: LiveStack
    ) -> None:
        url = live_stack.url
        visitor = new_visitor(url)
        resp = upload(url, visitor.token, "invoice.pdf", samples.PDF, "text/html")
        assert resp.status_code == 201, resp.text
        served = fetch(url, resp.json()["url"], visitor.token)
        assert served.headers["content-type"] == "application/pdf"
        assert served.headers["content-disposition"].startswith("attachment;")
        assert served.headers["content-security-policy"].startswith("sandbox")

    @pytest.mark.parametrize(
        ("name", "data", "ctype"),
        [
            ("photo.png", samples.EXE, "image/png"),
            ("page.html", samples.HTML, "text/html"),
            ("logo.svg", samples.SVG, "image/svg+xml"),
        ],
    )
    def test_a_refused_type_gets_a_chinese_reason_and_nothing_is_kept(
        self, live_stack: LiveStack, name: str, data: bytes, ctype: str
    ) -> None:
        visitor = new_visitor(live_stack.url)
        resp = upload(live_stack.url, visitor.token, name, data, ctype)
        assert resp.status_code == 415
        error = resp.json()["error"]
        assert error["code"] == "media_type_refused"
        assert error["message"].startswith("抱歉，暂不支持这种文件")

    def test_an_upload_must_prove_the_visitor(self, live_stack: LiveStack) -> None:
        assert upload(live_stack.url, None, "a.png", samples.png(), "image/png").status_code == 401
        forged = upload(live_stack.url, "web-not-a-token", "a.png", samples.png(), "image/png")
        assert forged.status_code == 401
        staff = StaffClient(live_stack.url, "agent1").token  # staff tokens name no visitor
        assert upload(live_stack.url, staff, "a.png", samples.png(), "image/png").status_code == 401


def socket_turn(ws: ClientConnection, frame: dict[str, Any]) -> list[dict[str, Any]]:
    """Send one message frame; the frames up to its `done` (or an error)."""
    ws.send(json.dumps(frame))
    got = []
    while True:
        data = json.loads(ws.recv(timeout=60))
        got.append(data)
        if data.get("type") in ("done", "error"):
            return got


class TestPictureInTheChat:
    def test_a_bare_picture_is_stored_once_and_answered_once_with_the_offer_of_an_engineer(
        self, live_stack: LiveStack
    ) -> None:
        url = live_stack.url
        with chat_socket(url) as (ws, visitor):
            ws.recv(timeout=30)  # history
            media = upload(url, visitor.token, "a.png", samples.png(), "image/png").json()
            frame = {"type": "message", "id": "pic-1", "text": "", "attachment": media["id"]}
            first = socket_turn(ws, frame)
            again = socket_turn(ws, frame)  # the same id sent again (a reconnect)
        bot = [f for f in first if f.get("type") == "bot"]
        assert len(bot) == 1
        assert "看不懂图片" in str(bot[0]["text"])
        assert bot[0]["buttons"] == [{"title": "转人工", "payload": "/request_human"}]
        assert [f["text"] for f in again if f.get("type") == "bot"] == [bot[0]["text"]]
        rows = stored_messages(live_stack.db_url, visitor.sender)
        assert [(r["direction"], r["role"]) for r in rows] == [("in", "user"), ("out", "bot")]
        assert rows[0]["payload"]["attachment"]["id"] == media["id"]
        history = StaffClient(url, "agent1").get(f"/api/conversations/{visitor.sender}")
        assert history["messages"][0]["attachment"]["url"] == media["url"]

    def test_someone_elses_upload_cannot_be_attached(self, live_stack: LiveStack) -> None:
        url = live_stack.url
        owner = new_visitor(url)
        media = upload(url, owner.token, "a.png", samples.png(), "image/png").json()
        with chat_socket(url) as (ws, visitor):
            ws.recv(timeout=30)
            frames = socket_turn(
                ws, {"type": "message", "id": "x", "text": "", "attachment": media["id"]}
            )
        assert frames[-1]["type"] == "error"
        assert frames[-1]["code"] == "attachment_invalid"
        assert stored_messages(live_stack.db_url, visitor.sender) == []

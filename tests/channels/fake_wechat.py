"""A local stand-in for WeChat's API server: the documented endpoints, recording every call.

Implements `GET /cgi-bin/token`, `POST /cgi-bin/message/custom/send` (text and image),
`POST /cgi-bin/menu/create`, `GET /cgi-bin/media/get` (the pictures tests put in `media`) and
`POST /cgi-bin/media/upload` (multipart, kept in `uploads`) with WeChat's JSON shapes and
errcodes. Tests script failures
per user (`fail(openid, 45015, -1, ...)`) and expire the issued tokens (`expire_tokens()`).
"""

from __future__ import annotations

import json
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import default
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.polling import poll_until

ERRMSG = {
    -1: "system error",
    40001: "invalid credential, access_token is invalid or not latest",
    40013: "invalid appid",
    45015: "response out of time limit or subscription is canceled",
}


@dataclass
class Call:
    """One request the server received and the errcode it answered."""

    path: str
    query: dict[str, str]
    body: dict[str, Any] | None
    errcode: int
    at: float = field(default_factory=time.time)


class FakeWechat:
    """The server; `url` is its base (what `KEFU_WECHAT__API_BASE` points at)."""

    def __init__(self, app_id: str, app_secret: str, expires_in: int = 7200) -> None:
        self.app_id = app_id
        self.app_secret = app_secret
        self.expires_in = expires_in
        self.calls: list[Call] = []
        self.valid_tokens: set[str] = set()
        self.issued = 0
        self.menus: list[dict[str, Any]] = []
        self.media: dict[str, bytes] = {}  # users' pictures by MediaId (what media/get serves)
        self.uploads: dict[str, bytes] = {}  # temporary media Kefu uploaded, by media_id
        self._failures: dict[str, list[int]] = defaultdict(list)
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self) -> FakeWechat:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def fail(self, openid: str, *errcodes: int) -> None:
        """Answer the next sends to `openid` with these errcodes, in order."""
        with self._lock:
            self._failures[openid].extend(errcodes)

    def expire_tokens(self) -> None:
        """Every token issued so far becomes invalid (errcode 40001)."""
        with self._lock:
            self.valid_tokens.clear()

    def sends(self, openid: str, *, ok_only: bool = True) -> list[Call]:
        """Customer-service sends to one user (the delivered ones by default)."""
        with self._lock:
            return [
                c
                for c in self.calls
                if c.path == "/cgi-bin/message/custom/send"
                and c.body
                and c.body.get("touser") == openid
                and (c.errcode == 0 or not ok_only)
            ]

    def images(self, openid: str) -> list[bytes]:
        """The pictures delivered to one user (the bytes uploaded for each), in order."""
        return [
            self.uploads[c.body["image"]["media_id"]]
            for c in self.sends(openid)
            if c.body and c.body.get("msgtype") == "image"
        ]

    def texts(self, openid: str) -> list[str]:
        """The texts delivered to one user, in order."""
        return [
            c.body["text"]["content"]
            for c in self.sends(openid)
            if c.body and c.body.get("msgtype") == "text"
        ]

    def wait_texts(self, openid: str, count: int, timeout_s: float = 60) -> list[str]:
        """Wait until `count` texts were delivered to `openid` (or the timeout) and return them."""
        return poll_until(lambda: self.texts(openid), lambda texts: len(texts) >= count, timeout_s)

    def _answer(self, path: str, query: dict[str, str], body: dict[str, Any] | None) -> dict:
        with self._lock:
            errcode, data = self._route(path, query, body)
            self.calls.append(Call(path, query, body, errcode))
        return (
            data
            if errcode == 0 and data
            else {"errcode": errcode, "errmsg": ERRMSG.get(errcode, "ok")}
        )

    def _route(
        self, path: str, query: dict[str, str], body: dict[str, Any] | None
    ) -> tuple[int, dict[str, Any] | None]:
        if path == "/cgi-bin/token":
            if query.get("appid") != self.app_id or query.get("secret") != self.app_secret:
                return 40013, None
            self.issued += 1
            token = f"TOKEN-{self.issued}-{int(time.time() * 1000)}"
            self.valid_tokens.add(token)
            return 0, {"access_token": token, "expires_in": self.expires_in}
        if query.get("access_token") not in self.valid_tokens:
            return 40001, None
        if path == "/cgi-bin/media/upload":
            if query.get("type") != "image" or not body or not body.get("media"):
                return 40004, None
            media_id = f"MEDIA-{len(self.uploads) + 1}-{int(time.time() * 1000)}"
            self.uploads[media_id] = body["media"]
            return 0, {"type": "image", "media_id": media_id, "created_at": int(time.time())}
        if path == "/cgi-bin/message/custom/send":
            if not body or not _valid_send(body, self.uploads):
                return 44002, None
            failures = self._failures.get(str(body.get("touser")))
            return (failures.pop(0) if failures else 0), None
        if path == "/cgi-bin/menu/create":
            if not body or not body.get("button"):
                return 40016, None
            self.menus.append(body)
            return 0, None
        return 40000, None

    def _picture(self, query: dict[str, str]) -> bytes | None:
        """media/get: the picture, or None for an error answer (recorded as a call)."""
        with self._lock:
            ok = query.get("access_token") in self.valid_tokens
            picture = self.media.get(query.get("media_id", "")) if ok else None
            if picture is not None:
                self.calls.append(Call("/cgi-bin/media/get", query, None, 0))
        return picture

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                parts = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(parts.query).items()}
                if parts.path == "/cgi-bin/media/get":
                    picture = fake._picture(query)
                    if picture is not None:
                        self._send(picture, "image/jpeg")
                        return
                self._reply(None)

            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers.get("content-length") or 0)
                raw = self.rfile.read(length)
                ctype = self.headers.get("content-type", "")
                if ctype.startswith("multipart/form-data"):
                    self._reply(_multipart(ctype, raw))
                    return
                try:
                    body = json.loads(raw.decode("utf-8")) if raw else None
                except ValueError:
                    body = None
                self._reply(body)

            def _send(self, data: bytes, ctype: str) -> None:
                self.send_response(200)
                self.send_header("content-type", ctype)
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _reply(self, body: dict[str, Any] | None) -> None:
                parts = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(parts.query).items()}
                data = json.dumps(fake._answer(parts.path, query, body)).encode()
                self._send(data, "application/json")

            def log_message(self, *_: Any) -> None:
                pass

        return Handler


def _valid_send(body: dict[str, Any], uploads: dict[str, bytes]) -> bool:
    if body.get("msgtype") == "text":
        return bool(body.get("text", {}).get("content"))
    if body.get("msgtype") == "image":
        return body.get("image", {}).get("media_id") in uploads
    return False


def _multipart(ctype: str, raw: bytes) -> dict[str, Any]:
    """The file parts of a multipart body, by field name (their bytes)."""
    msg = BytesParser(policy=default).parsebytes(f"Content-Type: {ctype}\r\n\r\n".encode() + raw)
    return {
        str(part.get_param("name", header="content-disposition")): part.get_payload(decode=True)
        for part in msg.iter_parts()
    }

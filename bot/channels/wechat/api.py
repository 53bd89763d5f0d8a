"""The WeChat server API calls Kefu makes: token, customer-service message, menu, media."""

from __future__ import annotations

import json
from typing import Any

import httpx

# errcodes that mean the access_token we sent is no longer good
TOKEN_ERRORS = frozenset({40001, 40014, 42001})
# errcodes that no retry can fix
OUTSIDE_WINDOW = 45015  # the user has not written within 48 hours
PERMANENT_ERRORS = frozenset({OUTSIDE_WINDOW, 40003, 43004, 45047, 48001, 45002})


class WechatApiError(Exception):
    """An error answer (`errcode` != 0) or a failed call (`errcode` None: network, HTTP)."""

    def __init__(self, errcode: int | None, errmsg: str) -> None:
        super().__init__(f"errcode {errcode}: {errmsg}")
        self.errcode = errcode
        self.errmsg = errmsg

    @property
    def permanent(self) -> bool:
        """True when retrying cannot help (e.g. 45015, outside the 48-hour window)."""
        return self.errcode in PERMANENT_ERRORS

    @property
    def bad_token(self) -> bool:
        """True when the access_token was rejected and must be refreshed."""
        return self.errcode in TOKEN_ERRORS


class WechatApi:
    """Thin async client of `api_base` (WeChat's, or a local stand-in in tests)."""

    def __init__(self, api_base: str, app_id: str, app_secret: str, timeout_s: float) -> None:
        self.base = api_base.rstrip("/")
        self.app_id = app_id
        self._secret = app_secret
        self._client = httpx.AsyncClient(timeout=httpx.Timeout(timeout_s, connect=2.0))

    async def fetch_token(self) -> tuple[str, int]:
        """A new access_token and its lifetime in seconds (`GET /cgi-bin/token`)."""
        params = {"grant_type": "client_credential", "appid": self.app_id, "secret": self._secret}
        data = await self._call("GET", "/cgi-bin/token", params=params)
        if not data.get("access_token"):
            raise WechatApiError(None, f"no access_token in {str(data)[:200]}")
        return str(data["access_token"]), int(data.get("expires_in") or 7200)

    async def send_text(self, token: str, openid: str, content: str) -> None:
        """One text message through `POST /cgi-bin/message/custom/send`."""
        body = {"touser": openid, "msgtype": "text", "text": {"content": content}}
        await self._call("POST", "/cgi-bin/message/custom/send", token=token, body=body)

    async def send_image(self, token: str, openid: str, media_id: str) -> None:
        """One picture (uploaded media) through `POST /cgi-bin/message/custom/send`."""
        body = {"touser": openid, "msgtype": "image", "image": {"media_id": media_id}}
        await self._call("POST", "/cgi-bin/message/custom/send", token=token, body=body)

    async def get_media(self, token: str, media_id: str, max_bytes: int) -> bytes:
        """A user's picture (`GET /cgi-bin/media/get`), at most `max_bytes` of it."""
        params = {"access_token": token, "media_id": media_id}
        try:
            async with self._client.stream(
                "GET", f"{self.base}/cgi-bin/media/get", params=params
            ) as resp:
                if resp.status_code != 200:
                    raise WechatApiError(None, f"HTTP {resp.status_code}")
                if "json" in resp.headers.get("content-type", "") or "text" in resp.headers.get(
                    "content-type", ""
                ):
                    _check(json.loads(await resp.aread()))
                    raise WechatApiError(None, "no media in the answer")
                data = bytearray()
                async for chunk in resp.aiter_bytes():
                    data += chunk
                    if len(data) > max_bytes:
                        raise WechatApiError(None, f"media over {max_bytes} bytes")
                return bytes(data)
        except httpx.HTTPError as exc:
            raise WechatApiError(None, f"{type(exc).__name__}: {exc}") from exc
        except ValueError as exc:
            raise WechatApiError(None, "unreadable answer") from exc

    async def upload_image(self, token: str, name: str, data: bytes, content_type: str) -> str:
        """Upload a picture as temporary media (`POST /cgi-bin/media/upload?type=image`);
        returns its media_id (valid 3 days)."""
        params = {"access_token": token, "type": "image"}
        try:
            resp = await self._client.post(
                f"{self.base}/cgi-bin/media/upload",
                params=params,
                files={"media": (name, data, content_type)},
            )
        except httpx.HTTPError as exc:
            raise WechatApiError(None, f"{type(exc).__name__}: {exc}") from exc
        if resp.status_code != 200:
            raise WechatApiError(None, f"HTTP {resp.status_code}: {resp.text[:200]}")
        try:
            answer = _check(resp.json())
        except ValueError as exc:
            raise WechatApiError(None, f"not JSON: {resp.text[:200]}") from exc
        if not answer.get("media_id"):
            raise WechatApiError(None, f"no media_id in {str(answer)[:200]}")
        return str(answer["media_id"])

    async def create_menu(self, token: str, menu: dict[str, Any]) -> None:
        """Publish the custom menu (`POST /cgi-bin/menu/create`)."""
        await self._call("POST", "/cgi-bin/menu/create", token=token, body=menu)

    async def _call(
        self,
        method: str,
        path: str,
        *,
        token: str | None = None,
        params: dict[str, str] | None = None,
        body: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        query = dict(params or {})
        if token is not None:
            query["access_token"] = token
        try:
            # Raw UTF-8 as in WeChat's own examples, not ASCII escapes.
            content = json.dumps(body, ensure_ascii=False).encode() if body is not None else None
            resp = await self._client.request(
                method,
                f"{self.base}{path}",
                params=query,
                content=content,
                headers={"content-type": "application/json; charset=utf-8"} if content else None,
            )
        except httpx.HTTPError as exc:
            raise WechatApiError(None, f"{type(exc).__name__}: {exc}") from exc
        if resp.status_code != 200:
            raise WechatApiError(None, f"HTTP {resp.status_code}: {resp.text[:200]}")
        try:
            data = resp.json()
        except ValueError as exc:
            raise WechatApiError(None, f"not JSON: {resp.text[:200]}") from exc
        return _check(data)

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self._client.aclose()


def _check(data: object) -> dict[str, Any]:
    """WeChat's JSON answer, or the error it holds."""
    if not isinstance(data, dict):
        raise WechatApiError(None, f"unexpected answer: {str(data)[:200]}")
    if int(data.get("errcode") or 0) != 0:
        raise WechatApiError(int(data["errcode"]), str(data.get("errmsg", "")))
    return data

"""Pictures between WeChat users and Kefu.

A user's picture (MsgType `image`) is fetched by its MediaId through the API
(`/cgi-bin/media/get`), checked and kept by `bot.media` like a picture from the chat page, and
goes through the gateway as a message, so the engineer sees it in the console. A picture an
engineer sends is uploaded as temporary media (`/cgi-bin/media/upload`) and sent as an image
customer-service message; so is the picture of a bot answer (a diagnosis solution's `image`),
fetched from its URL and checked like an upload, its media id reused while WeChat keeps it.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import httpx

from bot.channels.wechat.api import WechatApi, WechatApiError
from bot.channels.wechat.protocol import Incoming
from bot.channels.wechat.tokens import AccessTokens
from bot.media.sniff import Refused, check
from bot.media.store import MediaStore

log = logging.getLogger(__name__)
T = TypeVar("T")
MEDIA_KEPT_S = 2.5 * 24 * 3600  # WeChat keeps temporary media 3 days


class WechatMedia:
    """Fetches users' pictures into the media store and sends pictures to users.

    Args:
        api: the WeChat API client.
        tokens: the account's access tokens.
        store: the app's media store (None: pictures get the polite reply only).
    """

    def __init__(
        self,
        api: WechatApi,
        tokens: AccessTokens,
        store: MediaStore | None,
        base_url: str = "http://127.0.0.1",
    ) -> None:
        self.api = api
        self.tokens = tokens
        self.store = store
        self.base_url = base_url  # relative picture URLs of answers are the app's own
        self._uploaded: dict[str, tuple[str, float]] = {}  # answer picture URL -> media id

    async def send_url(self, openid: str, url: str) -> None:
        """Send the picture of a bot answer (raises WechatApiError, Refused, httpx.HTTPError)."""
        found = self._uploaded.get(url)
        if found is None or found[1] < time.monotonic():
            if self.store is None:
                raise KeyError("no media store")
            settings = self.store.settings
            data = await self._download(
                httpx.URL(self.base_url).join(url), settings.max_image_bytes
            )
            ok = await asyncio.to_thread(check, data, url.rsplit("/", 1)[-1], settings)
            if ok.kind != "image":
                raise Refused("media_type_refused")
            media_id = await self._with_token(
                lambda t: self.api.upload_image(t, ok.name, ok.data, ok.content_type)
            )
            found = (media_id, time.monotonic() + MEDIA_KEPT_S)
            self._uploaded[url] = found
        media_id = found[0]
        await self._with_token(lambda t: self.api.send_image(t, openid, media_id))

    async def _download(self, url: httpx.URL, limit: int) -> bytes:
        async with (
            httpx.AsyncClient(timeout=10, follow_redirects=True) as client,
            client.stream("GET", url) as resp,
        ):
            resp.raise_for_status()
            data = bytearray()
            async for chunk in resp.aiter_bytes():
                data += chunk
                if len(data) > limit:
                    raise Refused("media_too_large", 413)
            return bytes(data)

    async def fetch(self, incoming: Incoming) -> dict[str, Any] | None:
        """Keep the picture of an image message; its attachment view, or None when it could
        not be fetched or was refused (the user then gets the polite reply)."""
        media_id = str(incoming.fields.get("MediaId") or "")
        if self.store is None or not media_id:
            return None
        store = self.store
        limit = store.settings.max_image_bytes
        try:
            data = await self._with_token(lambda t: self.api.get_media(t, media_id, limit))
            msg_id = incoming.fields.get("MsgId") or "image"
            stored = await asyncio.to_thread(
                store.save,
                data,
                f"wechat-{msg_id}.jpg",
                channel="wechat",
                sender=incoming.openid,
                uploaded_by="customer",
            )
        except (WechatApiError, Refused) as exc:
            log.warning("picture %s of %s not kept: %s", media_id, incoming.openid, exc)
            return None
        return stored.view()

    async def send(self, openid: str, attachment: dict[str, Any]) -> None:
        """Send a kept picture to a user (raises WechatApiError, KeyError)."""
        if self.store is None:
            raise KeyError("no media store")
        store = self.store
        stored = await asyncio.to_thread(store.find, str(attachment.get("id") or ""))
        if stored is None or stored.kind != "image":
            raise KeyError(str(attachment.get("id")))
        data = await asyncio.to_thread(store.read, stored)
        media_id = await self._with_token(
            lambda t: self.api.upload_image(t, stored.name, data, stored.content_type)
        )
        await self._with_token(lambda t: self.api.send_image(t, openid, media_id))

    async def _with_token(self, call: Callable[[str], Awaitable[T]]) -> T:
        """Run an API call; once more with a new token when WeChat rejected the one sent."""
        token = await self.tokens.get()
        try:
            return await call(token)
        except WechatApiError as exc:
            if not exc.bad_token:
                raise
            await self.tokens.invalidate(token)
            return await call(await self.tokens.get())

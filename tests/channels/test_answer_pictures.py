"""The picture of a bot answer reaches a WeChat user as an image message (uploaded once)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.channels.wechat.api import WechatApi
from bot.channels.wechat.media import WechatMedia
from bot.channels.wechat.tokens import AccessTokens, DbTokenStore
from bot.media.settings import MediaSettings
from bot.media.sniff import Refused
from bot.media.store import MediaStore
from bot.storage.db import Database, migrate
from tests.channels.conftest import APP_ID, APP_SECRET
from tests.channels.fake_wechat import FakeWechat
from tests.conftest import run_async
from tests.e2e.helpers import other_site
from tests.media import samples


def test_an_answer_picture_is_uploaded_once_and_sent_as_an_image(
    fake_wechat: FakeWechat, db_url: str, tmp_path: Path, openid: str
) -> None:
    migrate(db_url)
    db = Database(db_url)
    site = tmp_path / "site"
    site.mkdir()
    (site / "step.png").write_bytes(samples.png())
    (site / "page.png").write_bytes(samples.HTML)
    uploads_before = len(fake_wechat.uploads)

    async def scenario(base: str) -> None:
        api = WechatApi(fake_wechat.url, APP_ID, APP_SECRET, 5)
        try:
            tokens = AccessTokens(api, DbTokenStore(db), 60, "test")
            store = MediaStore(db, MediaSettings(), tmp_path / "var")
            media = WechatMedia(api, tokens, store, base)
            await media.send_url(openid, "/step.png")
            await media.send_url(openid, f"{base}/step.png")  # the same picture, absolute
            await media.send_url(openid, "/step.png")
            with pytest.raises(Refused):
                await media.send_url(openid, "/page.png")  # HTML named .png is not sent
        finally:
            await api.aclose()

    with other_site(site) as base:
        run_async(scenario(base))
    assert [p[:8] for p in fake_wechat.images(openid)] == [b"\x89PNG\r\n\x1a\n"] * 3
    assert len(fake_wechat.uploads) - uploads_before == 2  # one per URL as written

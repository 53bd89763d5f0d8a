"""Pictures between WeChat users and engineers, through the running app and the local
stand-in of WeChat's API (media/get, media/upload, image customer-service messages)."""

from __future__ import annotations

import httpx
import pytest

from bot.texts import Texts
from tests.channels.conftest import WechatStack
from tests.channels.helpers import stored_messages
from tests.conftest import ROOT
from tests.e2e.helpers import StaffClient
from tests.media import samples
from tests.polling import poll_until

pytestmark = pytest.mark.e2e
TEXTS = Texts.load(ROOT / "knowledge")


class TestWechatPictures:
    def test_a_users_photo_is_kept_shown_to_the_engineer_and_a_picture_goes_back(
        self, wechat: WechatStack, openid: str
    ) -> None:
        sim, api, url = wechat.sim, wechat.api, wechat.stack.url
        api.media["photo-1"] = samples.jpeg_with_location()

        # With the bot: the photo is kept and the bot offers an engineer (button 1).
        reply = sim.post(sim.message(openid, "image", PicUrl="https://mmbiz.example/1.jpg",
                                     MediaId="photo-1"))  # fmt: skip
        assert reply.content is not None
        assert reply.content.startswith(TEXTS.get("media_bot_cannot_read"))
        assert "1. 转人工" in reply.content
        first = stored_messages(wechat.stack.db_url, openid)[0]
        kept = first["payload"]["attachment"]
        assert (kept["kind"], kept["type"]) == ("image", "image/jpeg")

        agent = StaffClient(url, "agent1")
        with agent.console():
            sim.post(sim.text(openid, "1"))  # 转人工
            handoff = agent.wait_handoff(openid)
            agent.post(f"/api/handoffs/{handoff}/accept")

            # With the engineer: a second photo is forwarded, nothing is said back.
            api.media["photo-2"] = samples.jpeg_with_location(320, 240)
            second = sim.post(sim.message(openid, "image", MediaId="photo-2"))
            assert second.content is None
            transcript = agent.get(f"/api/handoffs/{handoff}")["context"]["transcript"]
            pictures = [m["attachment"] for m in transcript if m.get("attachment")]
            assert [p["id"] for p in pictures][:1] == [kept["id"]] and len(pictures) == 2
            served = httpx.get(f"{url}{pictures[1]['url']}", headers=agent.headers, timeout=30)
            assert served.status_code == 200 and served.content.startswith(b"\xff\xd8\xff")

            # The engineer's picture: uploaded as temporary media, sent as an image message.
            sent = httpx.post(
                f"{url}/api/media/handoffs/{handoff}",
                files={"file": ("步骤.png", samples.png(), "image/png")},
                data={"text": "请按图中位置按住电源键 10 秒"},
                headers=agent.headers,
                timeout=30,
            )
            assert sent.status_code == 200, sent.text
            images = poll_until(lambda: api.images(openid), bool, timeout_s=30)
            assert images and images[0].startswith(b"\x89PNG")
            words = poll_until(lambda: api.texts(openid), lambda t: any("电源键" in x for x in t))
            assert any("请按图中位置按住电源键 10 秒" in x for x in words)

            # Files other than pictures cannot reach a WeChat user.
            refused = httpx.post(
                f"{url}/api/media/handoffs/{handoff}",
                files={"file": ("发票.pdf", samples.PDF, "application/pdf")},
                headers=agent.headers,
                timeout=30,
            )
            assert refused.status_code == 422
            assert refused.json()["error"]["message"] == TEXTS.get("media_channel_refused")

    def test_a_photo_wechat_cannot_give_gets_the_polite_reply(
        self, wechat: WechatStack, openid: str
    ) -> None:
        reply = wechat.sim.post(wechat.sim.message(openid, "image", MediaId="expired-media"))
        assert reply.content == TEXTS.get("wechat_image_received")

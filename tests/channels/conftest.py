"""WeChat channel fixtures: a local WeChat API server and the live app configured for it.

The app of the session's `live_stack` is restarted with an Official Account pointing at the
local server, and restarted with its former settings afterwards.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from tests.channels.fake_wechat import FakeWechat
from tests.channels.wechat_sim import WechatSim
from tests.conftest import LiveStack

TOKEN = "kefu_callback_token"
APP_ID = "wx6c3a1b2d4e5f6071"
APP_SECRET = "3f0b9c1e2d4a5b6c7d8e9f0a1b2c3d4e"
AES_KEY = base64.b64encode(bytes(range(32))).decode().rstrip("=")  # 43 chars, as WeChat's


def wechat_env(api_base: str, **overrides: str) -> dict[str, str]:
    """The app's environment for the test Official Account (compatible mode)."""
    env = {
        "KEFU_WECHAT__TOKEN": TOKEN,
        "KEFU_WECHAT__APP_ID": APP_ID,
        "KEFU_WECHAT__APP_SECRET": APP_SECRET,
        "KEFU_WECHAT__AES_KEY": AES_KEY,
        "KEFU_WECHAT__API_BASE": api_base,
        "KEFU_WECHAT__API_BACKOFF_S": "0.05",
        "KEFU_WECHAT__SWEEP_INTERVAL_S": "1",
    }
    env.update({f"KEFU_WECHAT__{k.upper()}": v for k, v in overrides.items()})
    return env


@dataclass
class WechatStack:
    """The live stack with WeChat configured, the local WeChat API and WeChat's client side."""

    stack: LiveStack
    api: FakeWechat
    sim: WechatSim

    def reconfigure(self, **overrides: str) -> None:
        """Restart the app with these WeChat settings (e.g. `passive_timeout_s="0.001"`)."""
        self.stack.restart_app(wechat_env(self.api.url, **overrides))


@pytest.fixture(scope="session")
def fake_wechat() -> Iterator[FakeWechat]:
    """WeChat's API server on a free loopback port."""
    server = FakeWechat(APP_ID, APP_SECRET).start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def wechat(live_stack: LiveStack, fake_wechat: FakeWechat) -> Iterator[WechatStack]:
    """The live app as an Official Account's server (passive window 4 s)."""
    before = dict(live_stack.extra_env)
    live_stack.restart_app({**before, **wechat_env(fake_wechat.url)})
    try:
        yield WechatStack(
            live_stack, fake_wechat, WechatSim(live_stack.url, TOKEN, APP_ID, AES_KEY)
        )
    finally:
        live_stack.restart_app(before)


@pytest.fixture
def openid() -> str:
    """A fresh WeChat user (28 characters, like a real openid)."""
    import uuid

    return "o6_bm" + uuid.uuid4().hex[:23]

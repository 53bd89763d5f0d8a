"""What a long conversation says, and how to tell a real answer from an apology.

Shared by the long-conversation tests of every channel (REST, the chat page's socket, WeChat).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import httpx

from bot.texts import Texts
from tests.conftest import ROOT

TEXTS = Texts.load(ROOT / "knowledge")
APOLOGIES = (TEXTS.get("internal_error"), TEXTS.get("rasa_unavailable"))

# How customers talk over a long chat: questions of every kind, small talk, thanks, vague
# words, typos, questions the centre does not answer. None asks for a human or is a matter for
# engineers, so the bot answers every one of them.
LONG_CHAT = (
    "你好",
    "保修期多久",
    "发票怎么开",
    "怎么查物流进度",
    "笔记本电池不耐用了",
    "手机充电好慢啊",
    "七天无理由退货怎么弄",
    "会员积分能干嘛",
    "平板怎么分屏",
    "你们售后网点在哪",
    "谢谢",
    "维修可以加急吗",
    "多个订单能合并开一张发票吗",
    "电脑扬声器有杂音",
    "怎么更换账号绑定的手机号",
    "客服热线多少",
    "旧手机能以旧换新吗",
    "今天天气怎么样",
    "耳机怎么切换降噪",
    "物流好几天没更新了",
    "嗯嗯",
    "K5键盘接mac按键不对",
    "电脑预装了什么软件",
    "怎么给孩子设置使用时长",
    "开始菜单的广告怎么关",
    "维修换的零件保修多久",
    "好的 明白了",
    "接到自称客服的电话怎么辨别真假",
    "手机收不到微信通知",
    "再见",
)


def long_chat(turns: int) -> list[str]:
    """`turns` customer messages, the list above over and over."""
    return [LONG_CHAT[i % len(LONG_CHAT)] for i in range(turns)]


def assert_real_answers(turn: int, message: str, texts: Iterable[str | None]) -> None:
    """The bot said something, and it is not the apology of a failed turn."""
    said = [t for t in texts if t]
    assert said, f"turn {turn} ({message!r}) got no text"
    for text in said:
        assert not text.startswith(APOLOGIES), f"turn {turn} ({message!r}) got {text!r}"


def max_action_call_bytes(url: str) -> float:
    """The largest action call Rasa posted to the app, from its `/metrics`.

    The histogram has no maximum, so this is the upper bound of the highest bucket that
    received a call (infinity if a call was over the largest bound).
    """
    text = httpx.get(f"{url}/metrics", timeout=10).text
    buckets: list[tuple[float, float]] = []
    for line in text.splitlines():
        if line.startswith("kefu_action_call_bytes_bucket{"):
            bound = line.split('le="', 1)[1].split('"', 1)[0]
            buckets.append((float(bound), float(line.rsplit(" ", 1)[1])))
    buckets.sort()
    total = buckets[-1][1]
    return next(bound for bound, count in buckets if count >= total)


def assert_bot_answered_each(stored: list[dict[str, Any]]) -> None:
    """Every stored customer message got a reply of the bot (not an apology or a notice)."""
    replies: dict[int, set[str]] = {}
    for m in stored:
        if m["direction"] == "out" and isinstance(m["payload"].get("reply_to"), int):
            replies.setdefault(m["payload"]["reply_to"], set()).add(m["role"])
    for m in stored:
        if m["direction"] == "in":
            assert m["status"] == "answered", m
            assert replies.get(m["id"]) == {"bot"}, (m["text"], replies.get(m["id"]))

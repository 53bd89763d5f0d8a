"""Which unreadable words inside a tree are a question of their own."""

from __future__ import annotations

import pytest

from bot.dialogue.diagnosing import asks


@pytest.mark.parametrize(
    "text",
    [
        "发票怎么开",
        "保修期多久",
        "能用微信登录吗",
        "寄修地址是哪里？",
        "对了 发票咋开",
        "保修要带啥",
        "能开专票不",
        "有没有上门服务",
    ],
)
def test_a_question_of_its_own_asks(text: str) -> None:
    assert asks(text)


@pytest.mark.parametrize(
    "text", ["嗯……这个我也说不好", "我不太清楚", "好像是吧", "不记得了", "也不行", "还是没反应"]
)
def test_an_unclear_answer_does_not_ask(text: str) -> None:
    assert not asks(text)

"""Pinyin repair (`bot.matching.pinyin`): the base's words back only where the customer's are no
words."""

from __future__ import annotations

import pytest

from bot.knowledge.schema import DictWord
from bot.matching.pinyin import PinyinRepair
from bot.matching.segment import Segmenter

# Words of a base, as its segmented phrasings give them: dictionary words, and words the
# segmenter only guessed while cutting a phrasing (键康度, 我领).
BASE_WORDS = ["凭证", "密码", "预约", "旧电脑", "键康度", "我领", "发票"]


@pytest.fixture(scope="module")
def repair() -> PinyinRepair:
    segmenter = Segmenter([DictWord(word="旧电脑", freq=2000, tag="n")])
    segmenter.warm_up()
    return PinyinRepair(BASE_WORDS, segmenter.known, lambda run: segmenter.run(run)["tokens"])


@pytest.mark.parametrize(
    ("typed", "meant"),
    [("发票凭正丢了", "发票凭证丢了"), ("mima忘了", "密码忘了"), ("yuyue维修", "预约维修")],
)
def test_a_mistyped_sound_gets_the_base_word_back(
    repair: PinyinRepair, typed: str, meant: str
) -> None:
    assert repair.run(typed) == meant


@pytest.mark.parametrize(
    "typed",
    [
        "我的就电脑能换新",  # 就 + 电脑: the 电脑 is a word as typed, not 旧电脑 mistyped
        "电池健康度在哪看",  # 健康 is a word; 键康度 is only a guess of the segmenter
        "还有我另一个订单物流怎么查",  # 另 + 一个; 我领 is no dictionary word
    ],
)
def test_words_typed_as_meant_are_left_alone(repair: PinyinRepair, typed: str) -> None:
    assert repair.run(typed) == typed

"""Normalization of what users type."""

from __future__ import annotations

import pytest

from bot.matching.normalize import Normalizer, base_normalize

SYNONYMS = [
    ["开不了机", "无法开机", "开不开机", "按电源没反应"],
    ["充电", "冲电"],
    ["windows", "win"],
]


@pytest.fixture(scope="module")
def normalizer() -> Normalizer:
    n = Normalizer(SYNONYMS, max_chars=40)
    n.warm_up()
    return n


class TestNormalizer:
    @pytest.mark.parametrize(
        ("raw", "expected"),
        [
            ("ＸＢ１４－２０２４　開機", "xb14-2024 开机"),  # full width, traditional
            ("螢幕閃爍！！！", "萤幕闪烁"),
            ("WiFi连不上😭😭🙏", "wifi连不上"),
            ("请问，电脑无法开机怎么办呢？", "电脑开不了机怎么办"),
            ("你好 那个 我的笔记本开不开机啊", "我的笔记本开不了机"),
            ("嗯 冲电很慢吧", "充电很慢"),
            ("Pad Pro 12.6 屏幕", "pad pro 12.6 屏幕"),
            ("Win11 更新失败", "windows11 更新失败"),
            ("Windows 更新", "windows 更新"),  # the canonical form is not rewritten again
            ("twin", "twin"),  # an ASCII variant never matches inside a word
            ("<b>发票</b>&nbsp;怎么开", "发票 怎么开"),
        ],
    )
    def test_width_script_fillers_and_synonyms_are_normalized(
        self, normalizer: Normalizer, raw: str, expected: str
    ) -> None:
        assert normalizer.run(raw)["text"] == expected

    @pytest.mark.parametrize("raw", ["", "   ", "🙏🙏🎉", "？？？。。", "\u200b\ufe0f"])
    def test_input_without_words_normalizes_to_empty(
        self, normalizer: Normalizer, raw: str
    ) -> None:
        assert normalizer.run(raw) == {"text": "", "truncated": False}

    def test_truncates_long_paste(self, normalizer: Normalizer) -> None:
        out = normalizer.run("电脑蓝屏 " * 2000)
        assert out["truncated"] is True
        assert 0 < len(out["text"]) <= 40

    def test_short_text_is_not_truncated(self, normalizer: Normalizer) -> None:
        assert normalizer.run("电脑蓝屏")["truncated"] is False

    def test_base_normalize_keeps_fillers(self) -> None:
        assert base_normalize("请问 發票") == "请问 发票"

from __future__ import annotations

from bot.diagnosis.reader import number_choice, owners_in, phrase_key, phrases_of


def options() -> list:
    return phrases_of("lit", ["灯亮了", "亮了", "亮"]) + phrases_of(
        "dark", ["不亮", "没亮", "没反应"]
    )


class TestOwnersIn:
    def test_negation_is_read_as_negation(self) -> None:
        assert owners_in("灯不亮", options()) == {"dark"}
        assert owners_in("电源灯没亮啊", options()) == {"dark"}

    def test_plain_answer_names_its_option(self) -> None:
        assert owners_in("亮了亮了", options()) == {"lit"}
        assert owners_in("灯是亮的", options()) == {"lit"}

    def test_both_options_mentioned_is_ambiguous(self) -> None:
        assert owners_in("有时候亮有时候没反应", options()) == {"lit", "dark"}

    def test_words_naming_no_option_find_nothing(self) -> None:
        assert owners_in("我也不知道", options()) == set()
        assert owners_in("   ", options()) == set()

    def test_width_case_and_traditional_script_are_normalized(self) -> None:
        found = owners_in("燈不亮！！", options())
        assert found == {"dark"}
        assert phrase_key("ＷｉＦｉ 連不上") == "wifi连不上"

    def test_generic_words_skipped_only_when_asked(self) -> None:
        phrases = phrases_of("yes", ["是", "有"]) + phrases_of("no", ["没有", "否"])
        assert owners_in("没有", phrases) == {"no"}
        assert owners_in("是不是坏了 没有反应", phrases, skip_generic=True) == set()


class TestNumberChoice:
    def test_numbers_pick_options(self) -> None:
        assert number_choice("2", 3) == 1
        assert number_choice("选1", 3) == 0
        assert number_choice("２", 3) == 1  # full-width digit from a phone keyboard

    def test_out_of_range_or_text_is_no_choice(self) -> None:
        assert number_choice("4", 3) is None
        assert number_choice("12", 3) is None
        assert number_choice("灯亮了", 3) is None

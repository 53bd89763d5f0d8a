"""Numbered choices and size limits for text-only channels."""

from __future__ import annotations

from bot.channels.choices import chosen_button, render_turn, split_text
from bot.gateway.types import Button, Outbound

BUTTONS = [Button(title="维修进度", payload="/a"), Button(title="保修政策", payload="/b")]


class TestRenderTurn:
    def test_buttons_become_a_numbered_list_after_the_text(self) -> None:
        text = render_turn([Outbound("bot", "您想问哪一个？", buttons=BUTTONS)], "回复数字：")
        assert text == "您想问哪一个？\n\n回复数字：\n1. 维修进度\n2. 保修政策"

    def test_numbering_runs_across_the_messages_of_a_turn(self) -> None:
        replies = [
            Outbound("bot", "第一条", buttons=BUTTONS[:1]),
            Outbound("bot", "第二条", buttons=BUTTONS[1:]),
        ]
        assert render_turn(replies, "选：").endswith("选：\n1. 维修进度\n2. 保修政策")

    def test_links_become_tappable_anchors(self) -> None:
        reply = Outbound(
            "bot", "请看这里", custom={"links": [{"title": "寄修", "url": "https://x"}]}
        )
        assert render_turn([reply], "") == '请看这里\n<a href="https://x">寄修</a>'


class TestChosenButton:
    def test_bare_numbers_pick_buttons(self) -> None:
        for typed in ("2", " 2 ", "２", "2.", "2。"):
            assert chosen_button(typed, BUTTONS) == (2, BUTTONS[1]), typed

    def test_other_text_and_out_of_range_numbers_pick_nothing(self) -> None:
        for typed in ("3", "0", "2个", "第2个", "维修", "12345"):
            assert chosen_button(typed, BUTTONS) is None, typed
        assert chosen_button("1", []) is None


class TestSplitText:
    def test_short_text_is_one_message(self) -> None:
        assert split_text("你好", 100, 3, "更多") == ["你好"]

    def test_long_text_is_split_at_paragraphs_within_the_byte_limit(self) -> None:
        paragraphs = [f"第{i}段：" + "内容" * 20 for i in range(6)]
        parts = split_text("\n\n".join(paragraphs), 300, 10, "更多")
        assert all(len(p.encode()) <= 300 for p in parts)
        assert "".join(parts).replace("\n", "") == "".join(paragraphs)
        assert all(p.startswith("第") for p in parts)

    def test_text_needing_too_many_messages_is_shortened_with_a_note(self) -> None:
        parts = split_text("很长的内容。" * 400, 300, 2, "完整内容请访问官网。")
        assert len(parts) == 2
        assert parts[-1].endswith("……\n完整内容请访问官网。")
        assert all(len(p.encode()) <= 300 for p in parts)

    def test_text_without_breaks_is_cut_on_character_boundaries(self) -> None:
        parts = split_text("字" * 500, 100, 100, "")
        assert "".join(parts) == "字" * 500
        assert all(len(p.encode()) <= 100 for p in parts)

"""The custom menu file: checked against WeChat's limits, topics for clicks."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.channels.wechat.menu import MenuError, load_menu
from tests.conftest import ROOT


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "menu.yml"
    path.write_text(text, encoding="utf-8")
    return path


class TestMenu:
    def test_shipped_menu_is_valid_and_maps_clicks_to_topics(self) -> None:
        menu = load_menu(ROOT / "knowledge" / "wechat_menu.yml")
        body = menu.to_wechat()
        assert 1 <= len(body["button"]) <= 3
        assert "topic" not in str(body)
        for item in menu.clicks():
            assert menu.topic(str(item.key)) == item.topic
        assert menu.topic("NO_SUCH_KEY") is None
        assert menu.topic_buttons()[0]["payload"] == menu.clicks()[0].topic

    @pytest.mark.parametrize(
        ("text", "problem"),
        [
            ("button: []", "at least 1"),
            ("button:\n  - {name: 太长的一级菜单名字, type: view, url: 'https://x'}", "16 bytes"),
            ("button:\n  - {name: 查询, type: click, key: K1}", "key and topic"),
            ("button:\n  - {name: 官网, type: view}", "needs url"),
            (
                "button:\n  - {name: 组, sub_button: ["
                + ", ".join(f"{{name: s{i}, type: click, key: K{i}, topic: t}}" for i in range(6))
                + "]}",
                "at most 5",
            ),
            ("button: [", "menu.yml"),
        ],
    )
    def test_invalid_menus_are_refused_with_the_reason(
        self, tmp_path: Path, text: str, problem: str
    ) -> None:
        with pytest.raises(MenuError, match=problem):
            load_menu(write(tmp_path, text))

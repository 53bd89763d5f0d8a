"""Words that reveal value: bulk, company, school or government purchases and whole-office
upgrades are tier 4 (enterprise sales) whoever says them."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.knowledge.errors import KnowledgeError
from bot.profile.profile import anonymous_profile
from bot.tiering.assess import TierAssessor
from bot.tiering.engine import TierEngine
from bot.tiering.scenes import SceneWords, chinese_number, found, largest_count
from tests.tiering.conftest import KNOWLEDGE


class TestCounting:
    @pytest.mark.parametrize(
        ("text", "value"),
        [("50", 50), ("五十", 50), ("二十", 20), ("一百二十", 120), ("两百", 200), ("十", 10)],
    )
    def test_numerals_are_read(self, text: str, value: int) -> None:
        assert chinese_number(text) == value

    def test_the_largest_count_of_devices_is_found(self) -> None:
        assert largest_count("先买两台 后面还要二十来台") == 20
        assert largest_count("大概 30 部手机") == 30
        assert largest_count("电脑坏了") == 0


class TestScene:
    SCENE = SceneWords(
        phrases=["批量采购"],
        groups=[["公司", "学校"], ["采购", "想买"]],
        count_at_least=10,
        count_with=["买", "换"],
    )

    def test_a_phrase_a_word_of_every_group_or_a_large_count_shows_the_scene(self) -> None:
        assert found(self.SCENE, "想问下批量采购的流程")
        assert found(self.SCENE, "学校想买一批平板")
        assert found(self.SCENE, "要换五十台笔记本")

    def test_a_single_group_or_a_small_count_does_not(self) -> None:
        assert not found(self.SCENE, "公司的电脑坏了")
        assert not found(self.SCENE, "想买两台手机")


@pytest.mark.parametrize(
    "text",
    [
        "我想给公司批量采购五十台笔记本",
        "学校计算机教室想订一批台式机",
        "市政府办公室要采购新电脑 要走招标",
        "部门二十多台电脑准备统一换新",
        "给全体员工每人送一台平板当年终奖",
    ],
)
def test_bulk_purchase_from_an_anonymous_visitor_goes_to_enterprise_sales(
    assessor: TierAssessor, text: str
) -> None:
    a = assessor.assess(text, anonymous_profile())
    assert (a.decision.tier, a.decision.kind, a.decision.rule) == (4, "queue", "bulk_purchase")
    assert {"enterprise", "sales"} <= set(a.decision.skills)
    assert "批量采购" in a.decision.reason


@pytest.mark.parametrize("text", ["想给自己买台轻薄本 预算五千", "公司的电脑坏了几台 怎么报修"])
def test_a_personal_purchase_or_a_company_repair_is_no_bulk_purchase(
    assessor: TierAssessor, text: str
) -> None:
    assert assessor.assess(text, anonymous_profile()).decision.rule != "bulk_purchase"


def test_a_rule_naming_an_unknown_scene_is_refused(tmp_path: Path) -> None:
    policy = yaml.safe_load((KNOWLEDGE / "tier_policy.yml").read_text(encoding="utf-8"))
    policy["rules"][0]["when"] = {"scene": ["nonexistent"]}
    for name in ("skills.yml", "catalog.yml"):
        (tmp_path / name).write_text((KNOWLEDGE / name).read_text("utf-8"), "utf-8")
    (tmp_path / "tier_policy.yml").write_text(yaml.safe_dump(policy, allow_unicode=True), "utf-8")
    with pytest.raises(KnowledgeError, match="unknown scenes: nonexistent"):
        TierEngine.from_dir(tmp_path)

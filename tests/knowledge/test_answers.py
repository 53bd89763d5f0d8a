"""Answer variants by customer tags and channel, and the validity window."""

from __future__ import annotations

from datetime import date

from bot.knowledge.answers import pick_answer
from bot.knowledge.schema import StandardQuestion

TODAY = date(2026, 6, 1)


def question(**extra: object) -> StandardQuestion:
    data = {
        "id": "warranty-001",
        "title": "保修期是多久",
        "similar": [f"保修多久{i}" for i in range(8)],
        "answer": "默认答案",
        "links": [{"title": "查询保修", "url": "https://service.xinglan.example/warranty"}],
        "variants": [
            {"when": {"channel": "wechat"}, "answer": "微信短答案"},
            {"when": {"tags": ["out_of_warranty"]}, "answer": "过保答案"},
            {
                "when": {"tags": ["out_of_warranty"], "channel": "wechat"},
                "answer": "微信过保答案",
                "links": [],
            },
            {"when": {"tags": ["member_gold", "owner_raptor"]}, "answer": "金卡逐影答案"},
        ],
    }
    data.update(extra)
    return StandardQuestion.model_validate(data)


class TestPickAnswer:
    def test_no_matching_variant_gives_the_default_answer(self) -> None:
        answer = pick_answer(question(), set(), "web", TODAY)
        assert (answer.text, answer.variant, answer.valid) == ("默认答案", None, True)
        assert answer.links[0].title == "查询保修"

    def test_channel_variant_keeps_the_question_links(self) -> None:
        answer = pick_answer(question(), {"in_warranty"}, "wechat", TODAY)
        assert (answer.text, answer.variant) == ("微信短答案", 0)
        assert answer.links[0].title == "查询保修"  # the variant keeps the question's links

    def test_tag_variant_answers_customers_with_the_tag(self) -> None:
        assert pick_answer(question(), {"out_of_warranty"}, "web", TODAY).text == "过保答案"

    def test_most_specific_wins(self) -> None:
        answer = pick_answer(question(), {"out_of_warranty"}, "wechat", TODAY)
        assert answer.text == "微信过保答案"
        assert answer.links == []  # the variant's own (empty) links replace the question's

    def test_variant_needs_all_its_tags(self) -> None:
        assert pick_answer(question(), {"member_gold"}, "web", TODAY).text == "默认答案"
        both = {"member_gold", "owner_raptor", "out_of_warranty"}
        assert pick_answer(question(), both, "web", TODAY).text == "金卡逐影答案"

    def test_tie_goes_to_first_listed(self) -> None:
        q = question(
            variants=[
                {"when": {"tags": ["enterprise"]}, "answer": "企业"},
                {"when": {"tags": ["member_black"]}, "answer": "黑钻"},
            ]
        )
        assert pick_answer(q, {"member_black", "enterprise"}, "web", TODAY).text == "企业"

    def test_answer_is_invalid_outside_its_validity_window(self) -> None:
        q = question(valid_from=date(2026, 1, 1), valid_until=date(2026, 3, 31))
        assert pick_answer(q, set(), "web", date(2026, 3, 31)).valid
        assert not pick_answer(q, set(), "web", date(2026, 4, 1)).valid
        assert not pick_answer(q, set(), "web", date(2025, 12, 31)).valid

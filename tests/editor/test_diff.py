"""What a reviewer is shown as changed: order-only changes of lists are none."""

from __future__ import annotations

from bot.editor.drafting.diff import fields_diff, question_change


def entry(**data: object) -> dict[str, object]:
    return {"data": {"title": "笔记本开不了机怎么办", **data}, "disabled": False}


def test_product_lines_in_another_order_are_no_change() -> None:
    old = entry(products=["laptop", "phone"], answer="先长按电源键。")
    new = entry(products=["phone", "laptop"], answer="先长按电源键。")
    assert fields_diff(old["data"], new["data"]) == {}  # type: ignore[arg-type]
    assert question_change("power-001", old, new) is None


def test_a_product_line_added_is_shown_with_what_was_added() -> None:
    old = entry(products=["laptop"])
    new = entry(products=["phone", "laptop"])
    change = question_change("power-001", old, new)
    assert change is not None and change[0] == "changed"
    assert change[1]["fields"]["products"]["added"] == ["phone"]
    assert change[1]["fields"]["products"]["removed"] == []


def test_a_repeated_phrasing_dropped_is_a_change() -> None:
    old = entry(similar=["开不了机", "开不了机"])
    new = entry(similar=["开不了机"])
    assert "similar" in fields_diff(old["data"], new["data"])  # type: ignore[arg-type]

"""What the engineer reads about a tree that ended with people: the reason once, the summary
once, neither a cut-off fragment."""

from __future__ import annotations

from bot.diagnosis.engine import Diagnoser


def test_request_for_a_human_at_a_solution_names_the_step_whole(diagnoser: Diagnoser) -> None:
    state = diagnoser.start("mini").state
    assert state is not None
    step = diagnoser.answer(state, "x", choice="完全没反应")  # the charging solution
    assert step.state is not None
    handoff = diagnoser.request_human(step.state).handoff
    assert handoff is not None
    reason, summary = handoff["reason"], handoff["summary"]
    assert reason == "「开不了机」自助排查中，客户要求转人工"
    step_text = "请接上原装充电器充电 30 分钟，再长按电源键 15 秒后开机"
    assert summary == f"排查到「{step_text}」这一步时，客户要求转人工"
    assert summary not in reason and reason not in summary


def test_tree_escalation_gives_the_reason_and_the_authored_summary_apart(
    diagnoser: Diagnoser,
) -> None:
    state = diagnoser.start("mini").state
    assert state is not None
    step = diagnoser.answer(state, "灯不亮")
    step = diagnoser.answer(step.state, "还是不行")  # type: ignore[arg-type]
    handoff = step.handoff
    assert handoff is not None
    assert handoff["reason"] == "「开不了机」自助排查未能解决"
    assert handoff["summary"] == "已充电并长按电源键，仍无法开机，疑似主板供电故障"

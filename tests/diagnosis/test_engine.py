from __future__ import annotations

from bot.diagnosis.engine import Diagnoser, State, choice_payload


def labels(step) -> list[str]:
    return [b["title"] for say in step.says for b in say.buttons]


class TestStart:
    def test_start_asks_the_first_question_with_options(self, diagnoser: Diagnoser) -> None:
        step = diagnoser.start("mini")
        assert step.state is not None and step.state.node == "light"
        assert "电源指示灯" in step.says[-1].text
        assert labels(step)[:2] == ["灯亮了", "完全没反应"]
        assert "转人工" in labels(step)
        assert step.says[-1].buttons[0]["payload"] == choice_payload("灯亮了")

    def test_description_decides_the_first_nodes(self, diagnoser: Diagnoser) -> None:
        step = diagnoser.start("mini", "按电源键灯亮但是屏幕黑的")
        assert step.state is not None and step.state.node == "external"
        assert step.state.history == ["light", "screen"]
        # What was understood is said in the customer's own words, nothing added.
        assert "我了解到：按电源键灯亮但是屏幕黑的。" in step.says[0].text
        assert "电源指示灯会亮" not in step.says[0].text
        answered = [r.node for r in step.records if r.kind == "answer"]
        assert answered == ["light", "screen"]

    def test_description_that_decides_nothing_starts_at_the_root(
        self, diagnoser: Diagnoser
    ) -> None:
        step = diagnoser.start("mini", "是不是坏了啊 怎么办")
        assert step.state is not None and step.state.node == "light"
        assert "了解到" not in step.says[0].text


class TestAnswer:
    def test_button_then_text_then_solution_solved(self, diagnoser: Diagnoser) -> None:
        state = diagnoser.start("mini").state
        assert state is not None
        step = diagnoser.answer(state, "x", choice="完全没反应")
        assert step.state is not None and step.state.node == "charge"
        assert "问题解决了吗" in step.says[-1].text
        assert step.says[-1].links[0]["title"] == "预约寄修"
        step = diagnoser.answer(step.state, "好了 谢谢")
        assert step.outcome == "solved" and step.state is None
        assert [r.kind for r in step.records] == ["solved"]

    def test_unsolved_moves_on_and_ends_in_escalation(self, diagnoser: Diagnoser) -> None:
        state = diagnoser.start("mini").state
        assert state is not None
        step = diagnoser.answer(state, "灯不亮")
        step = diagnoser.answer(step.state, "还是不行")  # type: ignore[arg-type]
        assert step.outcome == "escalated" and step.state is None
        assert step.handoff is not None
        assert step.handoff["skills"] == ["hardware", "book"]
        assert step.handoff["tier"] == 3
        assert "主板供电" in step.handoff["summary"]
        assert "硬件维修" in step.says[-1].text  # the team is named from skills.yml

    def test_numbers_answer_like_buttons(self, diagnoser: Diagnoser) -> None:
        state = diagnoser.start("mini").state
        step = diagnoser.answer(state, "1")  # type: ignore[arg-type]
        assert step.state is not None and step.state.node == "screen"

    def test_unreadable_answer_is_reasked_then_a_human_offered(self, diagnoser: Diagnoser) -> None:
        state = diagnoser.start("mini").state
        first = diagnoser.answer(state, "我也说不清楚")  # type: ignore[arg-type]
        assert first.outcome == "unmapped" and first.state is not None
        assert first.state.node == "light" and "灯亮了" in labels(first)
        second = diagnoser.answer(first.state, "不知道")
        assert second.outcome == "unmapped"
        assert "转人工" in second.says[0].text
        assert [r.kind for r in second.records] == ["missed"]

    def test_back_returns_one_step_and_restart_the_first_question(
        self, diagnoser: Diagnoser
    ) -> None:
        state = diagnoser.start("mini").state
        step = diagnoser.answer(state, "亮了")  # type: ignore[arg-type]
        assert "上一步" in labels(step)
        step = diagnoser.answer(step.state, "上一步")  # type: ignore[arg-type]
        assert step.state is not None and step.state.node == "light"
        assert step.state.history == []
        step = diagnoser.answer(step.state, "上一步")
        assert "第一步" in step.says[0].text
        step = diagnoser.answer(step.state, "亮了")  # type: ignore[arg-type]
        step = diagnoser.answer(step.state, "黑屏")  # type: ignore[arg-type]
        step = diagnoser.answer(step.state, "重新开始")  # type: ignore[arg-type]
        assert step.state is not None and step.state.node == "light"
        assert step.state.history == []

    def test_human_at_any_node_escalates_with_where_it_stopped(self, diagnoser: Diagnoser) -> None:
        state = diagnoser.start("mini").state
        step = diagnoser.answer(state, "亮了")  # type: ignore[arg-type]
        step = diagnoser.answer(step.state, "转人工")  # type: ignore[arg-type]
        assert step.outcome == "escalated"
        assert step.handoff is not None and "屏幕有没有显示内容" in step.handoff["summary"]

    def test_reask_speaks_of_numbers_only_where_numbers_are_shown(
        self, diagnoser: Diagnoser
    ) -> None:
        state = diagnoser.start("mini").state
        assert state is not None
        on_web = diagnoser.answer(state, "我也说不清楚")
        assert "数字" not in on_web.says[0].text and "点选" in on_web.says[0].text
        state = diagnoser.start("mini").state
        on_wechat = diagnoser.answer(state, "我也说不清楚", numbered=True)  # type: ignore[arg-type]
        assert "选项前的数字" in on_wechat.says[0].text

    def test_quit_ends_the_tree_from_any_node(self, diagnoser: Diagnoser) -> None:
        step = diagnoser.start("mini")
        assert "退出排查" in labels(step)
        step = diagnoser.answer(step.state, "亮了")  # type: ignore[arg-type]
        assert "退出排查" in labels(step)
        quit_ = diagnoser.answer(step.state, "x", choice="退出排查")  # type: ignore[arg-type]
        assert quit_.outcome == "ended" and quit_.state is None
        assert "退出「开不了机」排查" in quit_.says[0].text
        assert [r.kind for r in quit_.records] == ["abandoned", "quit"]

    def test_typed_quit_ends_a_paused_tree_without_counting_it_twice(
        self, diagnoser: Diagnoser
    ) -> None:
        state = diagnoser.start("mini").state
        paused = diagnoser.pause(state)  # type: ignore[arg-type]
        assert diagnoser.is_control("不排查了", "quit")
        quit_ = diagnoser.quit(paused.state)  # type: ignore[arg-type]
        assert quit_.state is None and [r.kind for r in quit_.records] == ["quit"]


class TestPauseResume:
    def test_pause_keeps_the_place(self, diagnoser: Diagnoser) -> None:
        state = diagnoser.start("mini").state
        step = diagnoser.answer(state, "亮了")  # type: ignore[arg-type]
        paused = diagnoser.pause(step.state)  # type: ignore[arg-type]
        assert paused.state is not None and paused.state.paused
        assert labels(paused) == ["继续排查"]
        assert [r.kind for r in paused.records] == ["abandoned"]
        again = diagnoser.resume(State.from_slot(paused.state.to_slot()))  # type: ignore[arg-type]
        assert again.state is not None and again.state.node == "screen"
        assert not again.state.paused
        assert [r.kind for r in again.records] == ["resumed", "enter"]

    def test_malformed_slot_reads_as_no_state(self) -> None:
        assert State.from_slot("garbage") is None
        assert State.from_slot({"tree": "mini"}) is None
        assert State.from_slot({"tree": "mini", "node": "a", "misses": "x"}) is None

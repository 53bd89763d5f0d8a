"""The context package and the supervisor's overview, from real data."""

from __future__ import annotations

from bot.handoff import console
from bot.profile import ProfileService, issue_customer_token
from bot.profile.token import token_secret
from tests.conftest import run_async
from tests.handoff.conftest import ServiceFloor


def bind_gold_member(floor: ServiceFloor, sender: str) -> None:
    """The sample gold member XL10000001 (a Raptor R9 owner) writes from `sender`."""
    settings = floor.service.settings
    profiles = ProfileService(floor.service.db, settings)
    profiles.warm_up()
    token = issue_customer_token("XL10000001", token_secret(settings))
    profiles.resolve_customer("web", sender, {"customer_token": token})


class TestContextPackage:
    def test_package_has_profile_transcript_emotion_and_suggestions(
        self, floor: ServiceFloor
    ) -> None:
        bind_gold_member(floor, "u-vip")
        floor.online("agent1")
        floor.say("u-vip", "我的逐影R9玩游戏掉帧很严重")
        floor.say("u-vip", "气死我了！！！你们这是什么破电脑，我要投诉！！！")
        h = floor.request("u-vip", ("gaming", "raptor"), reason="游戏掉帧排查未解决")
        floor.act("agent1", h, "accept")
        floor.act("agent1", h, "note", text="客户情绪激动，先安抚")
        detail = run_async(console.handoff_detail(floor.service, h))
        ctx = detail["context"]
        assert ctx["customer"]["member_id"] == "XL10000001"
        assert "member_gold" in ctx["tags"] and "owner_raptor" in ctx["tags"]
        assert detail["priority"] == 3  # tier 3, raised for a gold member
        words = [m["text"] for m in ctx["transcript"] if m["role"] == "user"]
        assert words[:2] == [
            "我的逐影R9玩游戏掉帧很严重",
            "气死我了！！！你们这是什么破电脑，我要投诉！！！",
        ]
        trajectory = ctx["emotion"]["trajectory"]
        assert len(trajectory) == 3 and trajectory[1]["negative"] > trajectory[0]["negative"]
        assert ctx["reason"] == "游戏掉帧排查未解决"
        assert isinstance(ctx["tier_history"], list) and isinstance(ctx["diagnosis"], list)
        assert [n["text"] for n in detail["notes"]] == ["客户情绪激动，先安抚"]
        titles = [s["title"] for s in ctx["suggestions"]]
        assert titles and all(s["answer"] for s in ctx["suggestions"])

    def test_suggestions_follow_the_latest_message_and_search_works(
        self, floor: ServiceFloor
    ) -> None:
        floor.online("agent1")
        h = floor.request("u-sugg", ())
        floor.act("agent1", h, "accept")
        floor.say("u-sugg", "增值税专用发票怎么开")
        first = run_async(console.handoff_detail(floor.service, h))["context"]["suggestions"]
        assert any("发票" in s["title"] for s in first)
        floor.say("u-sugg", "蓝牙耳机连不上电脑")
        second = run_async(console.handoff_detail(floor.service, h))["context"]["suggestions"]
        assert any("蓝牙" in s["title"] for s in second)
        found = run_async(console.search(floor.service, "保修期多久", h))
        assert found and any("保修" in s["title"] for s in found)

    def test_suggestions_come_from_the_case_not_from_the_request_for_a_human(
        self, floor: ServiceFloor
    ) -> None:
        floor.online("agent1")
        floor.say("u-bsod", "笔记本电脑蓝屏了")
        floor.say("u-bsod", "转人工")
        h = floor.request("u-bsod", ())
        ctx = run_async(console.handoff_detail(floor.service, h))["context"]
        titles = [s["title"] for s in ctx["suggestions"]]
        assert titles[0] == "电脑蓝屏怎么办"
        assert not any("人工" in t for t in titles)

    def test_search_keeps_only_results_close_to_the_best(self, floor: ServiceFloor) -> None:
        found = run_async(console.search(floor.service, "笔记本电脑蓝屏了", None))
        assert [s["title"] for s in found] == ["电脑蓝屏怎么办"]


class TestSupervisorView:
    def test_overview_flags_an_emotion_trough_and_shows_queues(self, floor: ServiceFloor) -> None:
        floor.online("agent2", capacity=1)
        floor.request("u-calm", ("order",))
        floor.say("u-angry", "订单三天了还没发货")
        floor.say("u-angry", "你们到底怎么回事！！！再不发货我就去315投诉，找媒体曝光！！！")
        angry = floor.request("u-angry", ("order",))
        view = run_async(console.overview(floor.service))
        (order,) = [q for q in view["queues"] if q["queue"] == "order"]
        assert (order["offered"], order["queued"]) == (1, 1)
        assert [f["id"] for f in view["flagged"]] == [angry]
        agents = {a["username"]: a for a in view["agents"]}
        assert agents["agent2"]["load"] == 1 and agents["agent2"]["online"]
        assert not agents["agent1"]["online"]
        floor.act("super", angry, "accept", role="supervisor", takeover=True)
        assert (floor.handoff(angry).status, floor.handoff(angry).agent) == ("active", "super")

    def test_consoles_get_the_overview_when_it_changes(self, floor: ServiceFloor) -> None:
        floor.online("agent2")
        run_async(floor.service.push_overview())
        floor.request("u-new", ("order",))
        run_async(floor.service.push_overview())
        run_async(floor.service.push_overview())  # unchanged: not sent again
        views = [f["overview"] for f in floor.console if f["type"] == "overview"]
        assert len(views) == 2
        assert [a["load"] for a in views[-1]["agents"] if a["username"] == "agent2"] == [1]

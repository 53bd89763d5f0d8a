"""The gateway against a real database; Rasa unreachable (a closed loopback port)."""

from __future__ import annotations

import asyncio

import pytest

from bot.config import ROOT
from bot.gateway.rasa_client import RasaClient
from bot.gateway.service import Gateway
from bot.gateway.types import Inbound, Outbound, merge_custom_only
from bot.runtime.stack import free_port
from bot.storage import repository as repo
from bot.storage.db import Database
from bot.storage.models import Message
from bot.texts import Texts
from tests.conftest import run_async


@pytest.fixture
def gateway(db_url: str) -> Gateway:
    db = Database(db_url)
    rasa = RasaClient(f"http://127.0.0.1:{free_port()}", timeout_s=2)
    yield Gateway(db, rasa, Texts.load(ROOT / "knowledge"))
    run_async(rasa.aclose())
    db.dispose()


class TestGatewayWithRasaDown:
    def test_message_is_stored_and_answered_politely(self, gateway: Gateway) -> None:
        turn = run_async(gateway.handle(Inbound("web", "u1", "电脑开不了机", client_id="c1")))
        assert turn.degraded
        assert [r.text for r in turn.replies] == [gateway.texts.get("rasa_unavailable")]
        with gateway.db.session() as s:
            msgs = repo.messages_of(s, turn.conversation_id)
            assert [(m.direction, m.text) for m in msgs] == [
                ("in", "电脑开不了机"),
                ("out", gateway.texts.get("rasa_unavailable")),
            ]
            assert msgs[0].status == "unanswered"

    def test_resend_of_unanswered_message_is_not_stored_twice(self, gateway: Gateway) -> None:
        first = run_async(gateway.handle(Inbound("web", "u2", "在吗", client_id="same")))
        second = run_async(gateway.handle(Inbound("web", "u2", "在吗", client_id="same")))
        assert second.inbound_id == first.inbound_id
        with gateway.db.session() as s:
            inbound = [m for m in repo.messages_of(s, first.conversation_id) if m.direction == "in"]
            assert len(inbound) == 1

    def test_resend_of_a_message_an_engineer_has_is_not_taken_again(self, gateway: Gateway) -> None:
        first = run_async(gateway.handle(Inbound("web", "u4", "还在吗", client_id="fwd")))
        with gateway.db.session() as s:
            msg = s.get(Message, first.inbound_id)
            assert msg is not None
            msg.status = "forwarded"  # what the handoff sets while an engineer serves
        again = run_async(gateway.handle(Inbound("web", "u4", "还在吗", client_id="fwd")))
        assert again.duplicate and again.inbound_id == first.inbound_id
        with gateway.db.session() as s:
            assert len(repo.messages_of(s, first.conversation_id)) == 2  # no second reply

    def test_concurrent_messages_of_one_sender_are_serialised(self, gateway: Gateway) -> None:
        async def many() -> None:
            await asyncio.gather(
                *(gateway.handle(Inbound("web", "u3", f"第{i}条")) for i in range(5))
            )

        run_async(many())
        with gateway.db.session() as s:
            conv = repo.open_conversation(s, "web", "u3")
            msgs = repo.messages_of(s, conv.id)
            assert [m.direction for m in msgs] == ["in", "out"] * 5
            for inbound, reply in zip(msgs[::2], msgs[1::2], strict=True):
                assert reply.payload["reply_to"] == inbound.id


class TestOutbound:
    def test_custom_only_messages_fold_into_the_previous_one(self) -> None:
        msgs = merge_custom_only(
            [
                Outbound.from_rasa({"text": "答案", "buttons": [{"title": "a", "payload": "/a"}]}),
                Outbound.from_rasa({"custom": {"links": [{"title": "t", "url": "https://x"}]}}),
            ]
        )
        assert len(msgs) == 1
        assert msgs[0].custom["links"][0]["url"] == "https://x"

    def test_rest_shape_hides_internal_diagnostics(self) -> None:
        out = Outbound(
            role="bot", text="好的", custom={"kefu": {"decision": "answer"}, "links": []}
        )
        assert out.to_rest("u") == {"recipient_id": "u", "text": "好的", "custom": {"links": []}}

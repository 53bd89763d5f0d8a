"""`action_request_human`: the user asked for a person."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.common import conversation_of, say, tree_slots, turn_context
from bot.diagnosis.engine import State
from bot.dialogue import diagnosing
from bot.services import current


class ActionRequestHuman(Action):
    """Acknowledge the request; the gateway records it on the conversation.

    Inside a diagnosis tree the tree ends as escalated, and its path goes with the request, so
    the engineer sees what was already asked and tried.
    """

    def name(self) -> str:
        return "action_request_human"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        services = current()
        diagnoser = services.knowledge.diagnoser
        state = State.from_slot(tracker.get_slot("diagnosis"))
        if (
            diagnoser is not None
            and state is not None
            and not state.paused
            and diagnoser.has(state.tree)
        ):
            text = str(tracker.latest_message.get("text") or "")
            if not text.startswith("/") and diagnoser.reads(state, text) not in (None, "human"):
                # NLU heard "a human" in words that answer the tree's question ("找师傅修过"):
                # the tree's own reading wins.
                turn = diagnosing.answer(
                    services,
                    diagnoser,
                    state,
                    text=text,
                    choice=None,
                    intent=None,
                    question_id=None,
                    tags=set(),
                    channel="web",
                    conversation_id=conversation_of(tracker),
                )
                for item in turn.says:
                    say(dispatcher, item, turn.handoff)
                return tree_slots(turn.state)
            turn = diagnosing.request_human(services, diagnoser, state, conversation_of(tracker))
            route = {"route": "queue", **(turn.handoff or {})}
            dispatcher.utter_message(
                text=turn.says[0].text,
                custom={"kefu": {"request_human": True, "route": route}},
            )
            return tree_slots(None)
        dispatcher.utter_message(
            response="utter_handoff_requested", custom={"kefu": {"request_human": True}}
        )
        return []

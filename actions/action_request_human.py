"""`action_request_human`: the user asked for a person."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher


class ActionRequestHuman(Action):
    """Acknowledge the request; the gateway records it on the conversation (handoff issue)."""

    def name(self) -> str:
        return "action_request_human"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        dispatcher.utter_message(
            response="utter_handoff_requested", custom={"kefu": {"request_human": True}}
        )
        return []

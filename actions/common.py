"""Helpers shared by the actions: reading the turn's context and uttering replies."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.diagnosis.engine import Say, State
from bot.dialogue.answering import Reply


def turn_context(tracker: Tracker) -> tuple[str, set[str]]:
    """The channel and customer tags the gateway put in the message metadata."""
    metadata: dict[str, Any] = tracker.latest_message.get("metadata") or {}
    channel = str(metadata.get("channel") or "web")
    tags = {str(t) for t in metadata.get("tags") or []}
    return channel, tags


def utter(dispatcher: CollectingDispatcher, reply: Reply, intent: str | None) -> None:
    """Send a reply: the answer text, or a domain response with the reply's buttons."""
    custom = {"links": reply.links, "kefu": {**reply.diagnostics(), "intent": intent}}
    if reply.decision == "answer":
        dispatcher.utter_message(text=reply.text, custom=custom)
    elif reply.decision == "clarify":
        dispatcher.utter_message(response="utter_clarify", buttons=reply.buttons, custom=custom)
    elif reply.decision == "unavailable":
        dispatcher.utter_message(response="utter_question_unavailable", custom=custom)
    else:
        dispatcher.utter_message(response="utter_no_match", buttons=reply.buttons, custom=custom)


def conversation_of(tracker: Tracker) -> int | None:
    """The app's conversation id, passed by the gateway in the message metadata."""
    metadata: dict[str, Any] = tracker.latest_message.get("metadata") or {}
    value = metadata.get("conversation_id")
    return int(value) if isinstance(value, int) else None


def tree_slots(state: State | None) -> list[EventType]:
    """Slot events that keep (or clear) the position in a tree."""
    active = state is not None and not state.paused
    return [
        SlotSet("diagnosis", state.to_slot() if state is not None else None),
        SlotSet("diagnosis_active", active),
    ]


def say(dispatcher: CollectingDispatcher, item: Say, handoff: dict[str, Any] | None) -> None:
    """Utter one diagnosis message; an escalation carries the route for the gateway."""
    kefu: dict[str, Any] = {}
    if handoff is not None:
        kefu["route"] = {"route": "queue", **handoff}
    custom = {"links": item.links, "kefu": kefu} if item.links or kefu else None
    dispatcher.utter_message(
        text=item.text, buttons=item.buttons or None, image=item.image, custom=custom
    )

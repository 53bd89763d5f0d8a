"""`action_answer_question`: answer from the knowledge base, or clarify, or say no match."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.dialogue.answering import Reply, answer_question, answer_text
from bot.services import current


def turn_context(tracker: Tracker) -> tuple[str, set[str]]:
    """The channel and customer tags the gateway put in the message metadata."""
    metadata: dict[str, Any] = tracker.latest_message.get("metadata") or {}
    channel = str(metadata.get("channel") or "web")
    tags = {str(t) for t in metadata.get("tags") or []}
    return channel, tags


class ActionAnswerQuestion(Action):
    """Match the user's words against the live knowledge base."""

    def name(self) -> str:
        return "action_answer_question"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        knowledge = current().knowledge
        channel, tags = turn_context(tracker)
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        question_id = tracker.get_slot("question_id")
        if intent == "choose_question" and question_id:
            reply = answer_question(knowledge, str(question_id), tags=tags, channel=channel)
        else:
            text = tracker.latest_message.get("text") or ""
            reply = answer_text(knowledge, text, tags=tags, channel=channel)
        utter(dispatcher, reply, intent)
        return [SlotSet("question_id", None)]


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

"""`action_request_human`: the user asked for a person."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.common import (
    answered_in_tree,
    conversation_of,
    hand_over,
    tier_context,
    tree_slots,
    turn_context,
    utter,
)
from bot.diagnosis.engine import State
from bot.dialogue import diagnosing
from bot.dialogue.answering import answer_text
from bot.dialogue.assessing import assess_turn
from bot.services import Services, current
from bot.storage.payload import BotReport, Route


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
            read = answered_in_tree(dispatcher, services, tracker, skip={"human"})
            if read is not None:  # NLU heard "a human" in words that answer the tree's question
                return read
            turn = diagnosing.request_human(services, diagnoser, state, conversation_of(tracker))
            route = {"route": "queue", **(turn.handoff or {})}
            assessed = assess_turn(
                services, tier_context(tracker), "转人工", intent="request_human", match=None
            )
            if assessed is not None:
                hand_over(dispatcher, services, assessed[0], request_human=True, extra_route=route)
            else:
                dispatcher.utter_message(
                    text=turn.says[0].text,
                    custom=BotReport(
                        request_human=True, route=Route.model_validate(route)
                    ).custom(),
                )
            return tree_slots(None)
        text = str(tracker.latest_message.get("text") or "")
        channel, tags = turn_context(tracker)
        reply = answer_text(services.knowledge, text, tags=tags, channel=channel)
        intent = "request_human"
        if reply.decision == "answer" and not _asks_for_a_person(services, text):
            # The classifier heard "a human" in a question the knowledge base answers
            # (「客服热线多少」): answer it; the customer can still ask for a person.
            intent = "ask_question"
        assessed = assess_turn(
            services, tier_context(tracker), text, intent=intent, match=reply.match
        )
        if assessed is None:
            dispatcher.utter_message(
                response="utter_handoff_requested", custom=BotReport(request_human=True).custom()
            )
            return []
        assessment = assessed[0]
        if assessment.decision.kind != "queue" and reply.decision == "answer":
            # A simple question asked together with "转人工": the answer first, and the offer.
            utter(dispatcher, reply, intent, assessment)
            return []
        hand_over(dispatcher, services, assessment, request_human=True)
        return []


def _asks_for_a_person(services: Services, text: str) -> bool:
    """Whether the words themselves ask for a person (the policy's request_human keywords)."""
    if not text.strip() or text.startswith("/"):
        return True  # a button, or nothing to check the words with: trust the classifier
    return services.assessor.intents.keywords.guess(text).name == "request_human"

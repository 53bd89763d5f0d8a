"""`action_diagnose`: run a fault-diagnosis tree one turn at a time.

A custom action loop with slots (see domain/diagnosis.yml for why not a form): this action
reads the `diagnosis` slot, lets `bot.dialogue.diagnosing` advance the tree, utters the result
and writes the slots back. While `diagnosis_active` is true the rules send every message here.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import (
    conversation_of,
    hand_over,
    merged_route,
    say,
    tier_context,
    tree_slots,
    turn_context,
    utter,
)
from bot.diagnosis.engine import START_INTENT, State
from bot.dialogue import diagnosing
from bot.dialogue.answering import answer_text
from bot.dialogue.assessing import assess_turn
from bot.services import current


class ActionDiagnose(Action):
    """Start, answer, leave or resume a diagnosis tree."""

    def name(self) -> str:
        return "action_diagnose"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        services = current()
        diagnoser = services.knowledge.diagnoser
        channel, tags = turn_context(tracker)
        if diagnoser is None:
            dispatcher.utter_message(response="utter_ask_rephrase")
            return tree_slots(None)
        message = tracker.latest_message
        intent = (message.get("intent") or {}).get("name")
        text = str(message.get("text") or "")
        conversation_id = conversation_of(tracker)
        state = State.from_slot(tracker.get_slot("diagnosis"))
        choice = tracker.get_slot("diagnosis_choice") if intent == "diagnosis_reply" else None
        tree_id = tracker.get_slot("diagnosis_tree")
        running = state is not None and not state.paused
        if not running and diagnoser.is_control(str(choice or text), "quit"):
            turn = diagnosing.quit_tree(services, diagnoser, state, conversation_id)
        elif state is not None and state.paused and diagnoser.is_control(text, "resume"):
            # 「继续排查」 typed (NLU may hear a new start): back where the customer left.
            turn = diagnosing.resume(services, diagnoser, state, conversation_id)
        # Inside a running tree, "帮我排查" without a tree named is an answer, not a new start.
        elif intent == START_INTENT and (tree_id or not running):
            if not diagnoser.has(tree_id):
                # "帮我排查一下蓝牙" names the fault in words: find its tree through the matcher.
                reply = answer_text(services.knowledge, text, tags=tags, channel=channel)
                question = services.knowledge.kb.questions.get(reply.question_id or "")
                tree_id = question.tree if question and reply.decision == "answer" else None
                if reply.decision == "answer" and not diagnoser.has(tree_id):
                    # 「能免费给检测一次吗」 asks a question that has an answer, not a tree.
                    assessed = assess_turn(
                        services, tier_context(tracker), text, intent=intent, match=reply.match
                    )
                    assessment = assessed[0] if assessed else None
                    decision = assessment.decision if assessment is not None else None
                    queue = decision is not None and decision.kind == "queue"
                    if decision is None or not queue or decision.answer_first:
                        utter(dispatcher, reply, intent, assessment)
                    if queue and assessment is not None:
                        hand_over(dispatcher, services, assessment)
                    return [*tree_slots(state), SlotSet("diagnosis_tree", None)]
            if not diagnoser.has(tree_id):
                say(dispatcher, diagnoser.menu(), None)
                return [*tree_slots(state), SlotSet("diagnosis_tree", None)]
            turn = diagnosing.start(services, diagnoser, str(tree_id), text, conversation_id)
        elif state is None or state.paused:
            turn = diagnosing.resume(services, diagnoser, state, conversation_id)
        else:
            turn = diagnosing.answer(
                services,
                diagnoser,
                state,
                text=text,
                choice=choice,
                intent=intent,
                question_id=tracker.get_slot("question_id"),
                tags=tags,
                channel=channel,
                conversation_id=conversation_id,
            )
        handoff = turn.handoff
        if handoff is not None:
            # The tree ran out of self-service steps: the tier policy adds priority and may
            # raise the tier (an upset or high-value customer).
            assessed = assess_turn(services, tier_context(tracker), text, intent=intent, match=None)
            if assessed is not None:
                handoff = merged_route(assessed[0], {"route": "queue", **handoff})
        if turn.response is not None:
            dispatcher.utter_message(response=turn.response)
        if turn.answer is not None:
            # A question of its own, answered as outside a tree: its tier decides who serves it.
            assessed = assess_turn(
                services, tier_context(tracker), text, intent=intent, match=turn.answer.match
            )
            assessment = assessed[0] if assessed else None
            if assessment is not None and assessment.decision.kind == "queue":
                if assessment.decision.answer_first and turn.answer.decision == "answer":
                    utter(dispatcher, turn.answer, intent, assessment)
                hand_over(dispatcher, services, assessment)
            else:
                utter(dispatcher, turn.answer, intent, assessment)
        for item in turn.says:
            say(dispatcher, item, handoff)
        return [
            *tree_slots(turn.state),
            SlotSet("diagnosis_choice", None),
            SlotSet("diagnosis_tree", None),
            SlotSet("question_id", None),
        ]

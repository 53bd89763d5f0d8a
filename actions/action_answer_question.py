"""`action_answer_question`: answer from the knowledge base, or clarify, or say no match."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import (
    conversation_of,
    hand_over,
    message_of,
    say,
    tier_context,
    tree_slots,
    turn_context,
    utter,
)
from bot.diagnosis.engine import State
from bot.dialogue import diagnosing
from bot.dialogue.answering import (
    SMALL_TALK,
    answer_in_context,
    answer_question,
    asks_knowledge,
)
from bot.dialogue.assessing import assess_turn
from bot.dialogue.context import read_context
from bot.dialogue.empathy import annoyed, opening
from bot.handoff.notices import asks_status
from bot.services import current


class ActionAnswerQuestion(Action):
    """Match the user's words against the live knowledge base."""

    def name(self) -> str:
        return "action_answer_question"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        return answer_turn(dispatcher, tracker, intent)


def answer_turn(
    dispatcher: CollectingDispatcher, tracker: Tracker, intent: str | None
) -> list[EventType]:
    """Answer the latest message as a question of the knowledge base read as `intent` (the
    dialogue act; another action may hand over words that ask a question after all)."""
    services = current()
    knowledge = services.knowledge
    channel, tags = turn_context(tracker)
    question_id = tracker.get_slot("question_id")
    text = str(tracker.latest_message.get("text") or "")
    diagnoser = knowledge.diagnoser
    paused = State.from_slot(tracker.get_slot("diagnosis"))
    events: list[EventType] = [SlotSet("question_id", None)]
    if diagnoser is not None and paused is not None and diagnoser.is_control(text, "resume"):
        turn = diagnosing.resume(services, diagnoser, paused, conversation_of(tracker))
        for item in turn.says:
            say(dispatcher, item, turn.handoff)
        return [*events, *tree_slots(turn.state)]
    if diagnoser is not None and paused is not None and diagnoser.is_control(text, "quit"):
        turn = diagnosing.quit_tree(services, diagnoser, paused, conversation_of(tracker))
        for item in turn.says:
            say(dispatcher, item, None)
        return [*events, *tree_slots(None)]
    chosen = intent == "choose_question" and question_id
    if chosen:
        reply = answer_question(knowledge, str(question_id), tags=tags, channel=channel)
    else:
        # Follow-ups leave out their subject: the stored conversation supplies it.
        context = read_context(services.db, conversation_of(tracker), message_of(tracker))
        found = tier_context(tracker).enriched
        said = {e.line for e in (found.entities or []) if e.line} if found else set()
        reply = answer_in_context(
            knowledge,
            text,
            context,
            tags=tags,
            channel=channel,
            ask_device=services.texts.get("ask_device"),
            said_lines=said,
        )
        if intent in SMALL_TALK and annoyed(services, found):
            # 🤬 or 😡😡 is no yes and no small talk: met with empathy as an unclear message.
            intent = "nlu_fallback"
        if intent in SMALL_TALK:
            if not asks_knowledge(reply, text):
                dispatcher.utter_message(response=SMALL_TALK[intent])
                return events
            intent = "ask_question"  # the words asked a question after all
    question = knowledge.kb.questions.get(reply.question_id or "")
    # Who is asking and how they feel decide the tier, and so who serves the request.
    tier_text = question.title if chosen and question is not None else text
    assessed = assess_turn(
        services, tier_context(tracker), tier_text, intent=intent, match=reply.match
    )
    assessment = assessed[0] if assessed else None
    if assessment is not None and reply.question_id:
        variant_tags = set(assessment.inputs.tags)  # incl. the warranty of the named device
        if variant_tags != tags:
            again = answer_question(
                knowledge, reply.question_id, tags=variant_tags, channel=channel
            )
            reply.text, reply.links = again.text, again.links
    decision = assessment.decision if assessment is not None else None
    lexicon = services.assessor.emotion.lexicon
    lead = "" if chosen else opening(assessment, lexicon, services.texts)
    if assessment is not None and decision is not None and decision.kind == "queue":
        if decision.answer_first and reply.decision == "answer":
            utter(dispatcher, reply, intent, assessment)
        hand_over(dispatcher, services, assessment)
        return events
    if (
        reply.decision == "answer"
        and question is not None
        and diagnoser is not None
        and diagnoser.has(question.tree)
    ):
        # A fault with a diagnosis tree: guide the customer through it instead of a
        # wall of steps, starting as deep as their own words allow.
        turn = diagnosing.start(
            services,
            diagnoser,
            str(question.tree),
            None if chosen else text,
            conversation_of(tracker),
        )
        match = reply.report(intent)
        match.tree = question.tree
        if lead and turn.says:
            turn.says[0].text = f"{lead}\n{turn.says[0].text}"
        for i, item in enumerate(turn.says):
            say(dispatcher, item, turn.handoff, match if i == 0 else None)
        return [*events, *tree_slots(turn.state)]
    if reply.decision != "answer" and not chosen and asks_status(text):
        # 「人呢？？？」 with nothing waiting: the bot is here (a waiting customer gets the status
        # of their request from the handoff desk before Rasa is asked).
        report = reply.report(intent)
        report.attention = True
        if assessment is not None:
            report.tier_decision = assessment.decision.to_dict()
        here = services.texts.get("attention_here")
        dispatcher.utter_message(text=f"{lead}\n{here}" if lead else here, custom=report.custom())
        return events
    utter(dispatcher, reply, intent, assessment, lead)
    return events

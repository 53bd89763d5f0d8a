"""Diagnosis turns in the dialogue: start, answer, leave for another question, resume.

Framework logic with no Rasa imports; `actions/action_diagnose.py` adapts it to Rasa. The
position in the tree travels in a Rasa slot (`State`); the path and the counters are written to
the app database here, so staff and the handoff see them even if the Rasa tracker is lost.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.diagnosis.engine import Diagnoser, Say, State, Step
from bot.diagnosis.store import record_step
from bot.dialogue.answering import Reply, answer_question, answer_text
from bot.dialogue.followup import asks
from bot.services import Services

# Intents that say "this is not an answer to your question": leave the tree for them.
LEAVING_INTENTS = frozenset({"complaint", "purchase_intent", "choose_question"})
# Intents whose unmapped words are checked against the knowledge base before re-asking.
QUESTION_INTENTS = frozenset({"ask_question", "nlu_fallback", "out_of_scope"})
# Social acts that are no answer: replied to as such (domain response), the tree paused.
SOCIAL_RESPONSES = {
    "greet": "utter_greet",
    "thanks": "utter_you_are_welcome",
    "goodbye": "utter_goodbye",
    "chitchat": "utter_chitchat",
}
# Channels that show options as a numbered list the customer answers by number.
NUMBERED_CHANNELS = frozenset({"wechat"})


@dataclass
class TreeTurn:
    """What the bot says for one turn that involved a tree, and the next state."""

    says: list[Say] = field(default_factory=list)
    state: State | None = None
    outcome: str = "continue"
    handoff: dict[str, Any] | None = None
    answer: Reply | None = None  # the turn left the tree to answer this
    response: str | None = None  # or to reply to this social act (a domain response)

    @property
    def active(self) -> bool:
        """Whether the next message belongs to the tree."""
        return self.state is not None and not self.state.paused


def _persist(
    services: Services, conversation_id: int | None, step: Step, state: State | None
) -> None:
    current = step.state or state
    if current is None or not step.records:
        return
    session = state.session if state else None
    session_id = record_step(services.db, conversation_id, current.tree, step, session)
    if step.state is not None:
        step.state.session = session_id


def start(
    services: Services,
    diagnoser: Diagnoser,
    tree_id: str,
    description: str | None,
    conversation_id: int | None,
) -> TreeTurn:
    """Start a tree, deep as far as the description already decides."""
    step = diagnoser.start(tree_id, description)
    _persist(services, conversation_id, step, None)
    return TreeTurn(step.says, step.state, step.outcome, step.handoff)


def resume(
    services: Services, diagnoser: Diagnoser, state: State | None, conversation_id: int | None
) -> TreeTurn:
    """Resume a paused tree (or say there is none)."""
    if state is None or not diagnoser.has(state.tree):
        return TreeTurn([Say(diagnoser.controls.text("nothing_to_resume"))])
    # A stale resume button while the tree runs: just ask the current node again.
    step = diagnoser.resume(state) if state.paused else diagnoser.repeat(state)
    _persist(services, conversation_id, step, state)
    return TreeTurn(step.says, step.state, step.outcome, step.handoff)


def request_human(
    services: Services, diagnoser: Diagnoser, state: State, conversation_id: int | None
) -> TreeTurn:
    """The customer asked for a person inside a tree: end it, keep the path for the engineer."""
    step = diagnoser.request_human(state)
    _persist(services, conversation_id, step, state)
    return TreeTurn(step.says, None, step.outcome, step.handoff)


def answer(
    services: Services,
    diagnoser: Diagnoser,
    state: State,
    *,
    text: str,
    choice: str | None,
    intent: str | None,
    question_id: str | None,
    tags: set[str],
    channel: str,
    conversation_id: int | None,
) -> TreeTurn:
    """One customer message inside a running tree."""
    if not diagnoser.has(state.tree):  # the tree was unpublished meanwhile
        return TreeTurn([Say(diagnoser.controls.text("unavailable"))])
    step = diagnoser.answer(state, text, choice, numbered=channel in NUMBERED_CHANNELS)
    if step.outcome == "unmapped" and choice is None:
        reply = _other_question(services, state, text, intent, question_id, tags, channel)
        if reply is not None:
            return _leave(services, diagnoser, state, reply, text, conversation_id)
        if intent in SOCIAL_RESPONSES:
            pause = diagnoser.pause(state)
            _persist(services, conversation_id, pause, state)
            return TreeTurn(pause.says, pause.state, "paused", response=SOCIAL_RESPONSES[intent])
    _persist(services, conversation_id, step, state)
    return TreeTurn(step.says, step.state, step.outcome, step.handoff)


def quit_tree(
    services: Services, diagnoser: Diagnoser, state: State | None, conversation_id: int | None
) -> TreeTurn:
    """The customer quit the tree (退出排查), running or paused: the case ends."""
    if state is None or not diagnoser.has(state.tree):
        return TreeTurn([Say(diagnoser.controls.text("nothing_to_quit"))])
    step = diagnoser.quit(state)
    _persist(services, conversation_id, step, state)
    return TreeTurn(step.says, None, step.outcome)


def _other_question(
    services: Services,
    state: State,
    text: str,
    intent: str | None,
    question_id: str | None,
    tags: set[str],
    channel: str,
) -> Reply | None:
    """The answer to the customer's words when they are a different question, else None."""
    knowledge = services.knowledge
    if intent == "choose_question" and question_id:
        return answer_question(knowledge, question_id, tags=tags, channel=channel)
    if intent not in LEAVING_INTENTS | QUESTION_INTENTS:
        return None
    reply = answer_text(knowledge, text, tags=tags, channel=channel)
    if intent in LEAVING_INTENTS:
        return reply
    if reply.decision == "clarify" and asks(text):
        return reply  # a question of its own with several readings: ask which one
    if reply.decision != "answer" or reply.question_id is None:
        return None
    question = knowledge.kb.questions.get(reply.question_id)
    if question is not None and question.tree == state.tree:
        return None  # the same problem described again: stay and re-ask
    return reply


def _leave(
    services: Services,
    diagnoser: Diagnoser,
    state: State,
    reply: Reply,
    text: str,
    conversation_id: int | None,
) -> TreeTurn:
    pause = diagnoser.pause(state)
    _persist(services, conversation_id, pause, state)
    question = services.knowledge.kb.questions.get(reply.question_id or "")
    if reply.decision == "answer" and question is not None and diagnoser.has(question.tree):
        other = start(services, diagnoser, str(question.tree), text, conversation_id)
        return other  # a different fault: its own tree takes over (the old one stays paused)
    return TreeTurn(pause.says, pause.state, "paused", None, answer=reply)

"""Helpers shared by the actions: reading the turn's context and uttering replies."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.diagnosis.engine import HUMAN_PAYLOAD, Say, State
from bot.dialogue import diagnosing
from bot.dialogue.answering import Reply
from bot.dialogue.assessing import TurnContext, route_payload
from bot.dialogue.enrich import Enriched
from bot.handoff.callback import mentions, offer_button, without_offered_links
from bot.services import Services, current
from bot.storage.payload import BotReport, Route
from bot.tiering.assess import Assessment


def turn_context(tracker: Tracker) -> tuple[str, set[str]]:
    """The channel and customer tags the gateway put in the message metadata."""
    metadata: dict[str, Any] = tracker.latest_message.get("metadata") or {}
    channel = str(metadata.get("channel") or "web")
    tags = {str(t) for t in metadata.get("tags") or []}
    return channel, tags


def tier_context(tracker: Tracker) -> TurnContext:
    """Sender, channel, stored ids and the gateway's findings of this turn, for the tier policy."""
    metadata: dict[str, Any] = tracker.latest_message.get("metadata") or {}
    text = str(tracker.latest_message.get("text") or "")
    client = metadata.get("client")
    message_id = metadata.get("message_id")
    return TurnContext(
        channel=str(metadata.get("channel") or "web"),
        sender=tracker.sender_id,
        conversation_id=conversation_of(tracker),
        message_id=message_id if isinstance(message_id, int) else None,
        client=client if isinstance(client, dict) else {},
        enriched=Enriched.from_metadata(metadata, text),
    )


def utter(
    dispatcher: CollectingDispatcher,
    reply: Reply,
    intent: str | None,
    assessment: Assessment | None = None,
    lead: str = "",
) -> None:
    """Send a reply: the answer text, or a domain response with the reply's buttons.

    When the tier policy says so, an answer also offers a human (a 转人工 button). `lead` (a
    line of empathy) opens an answer, or comes as its own message before any other reply.
    """
    report = reply.report(intent)
    if assessment is not None:
        report.tier_decision = assessment.decision.to_dict()
    if lead:
        report.empathy = lead
    custom = report.custom(links=reply.links)
    if reply.decision == "answer":
        offer = assessment is not None and assessment.decision.offer_human
        buttons = [{"title": "转人工", "payload": HUMAN_PAYLOAD}] if offer else []
        callback = _callback_offer(reply)
        if callback is not None:  # the answer speaks of 预约回电: the chat books it itself
            buttons.append(callback)
            custom["links"] = without_offered_links(reply.links, current().settings.handoff)
        text = f"{lead}\n{reply.text}" if lead else reply.text
        dispatcher.utter_message(text=text, buttons=buttons or None, custom=custom)
        return
    if lead:
        dispatcher.utter_message(text=lead)
    if reply.decision == "clarify" and reply.prompt:
        dispatcher.utter_message(text=reply.prompt, buttons=reply.buttons, custom=custom)
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


def message_of(tracker: Tracker) -> int | None:
    """The stored id of the message being answered, passed by the gateway in the metadata."""
    metadata: dict[str, Any] = tracker.latest_message.get("metadata") or {}
    value = metadata.get("message_id")
    return value if isinstance(value, int) else None


def tree_slots(state: State | None) -> list[EventType]:
    """Slot events that keep (or clear) the position in a tree."""
    active = state is not None and not state.paused
    return [
        SlotSet("diagnosis", state.to_slot() if state is not None else None),
        SlotSet("diagnosis_active", active),
    ]


def say(
    dispatcher: CollectingDispatcher,
    item: Say,
    handoff: dict[str, Any] | None,
    report: BotReport | None = None,
) -> None:
    """Utter one diagnosis message; an escalation carries the route for the gateway, the first
    message of a tree started by a matched question carries the match (`report`)."""
    report = report.model_copy() if report is not None else BotReport()
    if handoff is not None:
        report.route = Route.model_validate({"route": "queue", **handoff})
    kept = report.dump()
    custom = report.custom(links=item.links) if item.links or kept else None
    dispatcher.utter_message(
        text=item.text, buttons=item.buttons or None, image=item.image, custom=custom
    )


def hand_over(
    dispatcher: CollectingDispatcher,
    services: Services,
    assessment: Assessment,
    *,
    request_human: bool = False,
    extra_route: dict[str, Any] | None = None,
) -> None:
    """Tell the customer who takes over, and the gateway to queue the conversation."""
    decision = assessment.decision
    names = services.assessor.engine.skill_names
    team = next((names[s] for s in decision.skills if s in names), None)
    text = services.texts.get("handoff_queued", team=team or services.texts.get("default_team"))
    route = merged_route(assessment, extra_route)
    report = BotReport(route=Route.model_validate(route), tier_decision=decision.to_dict())
    if request_human:
        report.request_human = True
    dispatcher.utter_message(text=text, custom=report.custom())


def merged_route(assessment: Assessment, extra_route: dict[str, Any] | None) -> dict[str, Any]:
    """The policy's route, merged with a diagnosis escalation's (its skills and summary first;
    the more urgent tier wins)."""
    decision = assessment.decision
    route = {**route_payload(assessment), **(extra_route or {})}
    if extra_route:
        route["tier"] = max(int(extra_route.get("tier") or 0), decision.tier)
        route["priority"] = decision.priority
        route["skills"] = list(dict.fromkeys([*extra_route.get("skills", []), *decision.skills]))
        route["policy_reason"] = decision.reason
    return route


def answered_in_tree(
    dispatcher: CollectingDispatcher,
    services: Services,
    tracker: Tracker,
    skip: set[str] | None = None,
) -> list[EventType] | None:
    """Inside a running tree, typed words the tree can read are an answer to it, whatever intent
    NLU saw ("手机充电器" is no request to bind a phone). None when they are not."""
    diagnoser = services.knowledge.diagnoser
    state = State.from_slot(tracker.get_slot("diagnosis"))
    text = str(tracker.latest_message.get("text") or "")
    if diagnoser is None or state is None or state.paused or not diagnoser.has(state.tree):
        return None
    if text.startswith("/") or diagnoser.reads(state, text) in (None, *(skip or set())):
        return None
    channel, tags = turn_context(tracker)
    turn = diagnosing.answer(
        services,
        diagnoser,
        state,
        text=text,
        choice=None,
        intent=None,
        question_id=None,
        tags=tags,
        channel=channel,
        conversation_id=conversation_of(tracker),
    )
    for item in turn.says:
        say(dispatcher, item, turn.handoff)
    return tree_slots(turn.state)


def _callback_offer(reply: Reply) -> dict[str, str] | None:
    """The 预约回电 button, when the answer offers a call-back (and booking is switched on)."""
    try:
        svc = current()
    except RuntimeError:  # no running app (an action tested on its own)
        return None
    if not mentions(reply.text, reply.links, svc.settings.handoff):
        return None
    return dict(offer_button(svc.texts))

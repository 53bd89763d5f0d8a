"""`action_greet`: a greeting that knows the customer (their device, warranty, membership)."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.action_answer_question import answer_turn
from actions.common import tier_context, turn_context
from bot.dialogue.answering import answer_text, asks_question
from bot.dialogue.assessing import customer_of
from bot.profile.entry import personalise_entry, series_names
from bot.services import current
from bot.storage.payload import BotReport


class ActionGreet(Action):
    """Known customers get a greeting and topics for them; anyone else the domain's greeting.

    Words the dialogue took for a greeting that the knowledge base answers on their own are a
    question, answered as such.
    """

    def name(self) -> str:
        return "action_greet"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        services = current()
        text = str(tracker.latest_message.get("text") or "")
        channel, tags = turn_context(tracker)
        if asks_question(answer_text(services.knowledge, text, tags=tags, channel=channel)):
            # 「我下的单在哪查呀」, 「你好 发票怎么开」: a greeting's tone, a question's words.
            return answer_turn(dispatcher, tracker, "ask_question")
        profile = customer_of(services, tier_context(tracker))
        if not profile.identified:
            dispatcher.utter_message(response="utter_greet")
            return []
        kb = services.knowledge.kb
        entry = personalise_entry(
            profile,
            services.greetings,
            {q.id: q.title for q in kb.questions.values()},
            series_names(kb.catalog),
        )
        buttons = [{"title": t["title"], "payload": t["payload"]} for t in entry.topics]
        dispatcher.utter_message(
            text=entry.greeting,
            buttons=buttons or None,
            custom=BotReport(greeting=entry.segment).custom(),
        )
        return []

"""The gateway's enrichment is worked out once per message: the actions' tier decision reuses it."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from datetime import date
from types import SimpleNamespace
from typing import Any

import pytest
from rasa_sdk import Tracker

from actions.common import tier_context
from bot.config import AuthSettings, Settings
from bot.dialogue.assessing import TurnContext, assess_turn
from bot.dialogue.enrich import Enricher
from bot.gateway.service import STORED_FINDINGS
from bot.gateway.types import Inbound
from bot.nlp.emotion import EmotionScorer
from bot.nlp.entities import EntityExtractor
from bot.profile.seed import seed_customers
from bot.profile.service import ProfileService
from bot.profile.token import issue_customer_token
from bot.storage import repository as repo
from bot.storage.db import Database
from bot.storage.models import Message
from bot.tiering.assess import TierAssessor
from bot.tiering.engine import TierEngine
from bot.tiering.intent import IntentGuesser, KeywordIntents
from tests.conftest import ROOT

KNOWLEDGE = ROOT / "knowledge"
TODAY = date(2026, 11, 23)  # the sample customers' as_of
SECRET = "test-customer-token-secret-0123456789abcdef"
TEXT = "我的逐影R9开不了机，急！！"


@pytest.fixture(scope="module")
def assessor() -> TierAssessor:
    """Real entities and emotion and the shipped policy; no matcher (the actions pass the match)."""
    engine = TierEngine.from_dir(KNOWLEDGE)
    return TierAssessor(
        engine,
        EntityExtractor(KNOWLEDGE / "entities"),
        EmotionScorer(KNOWLEDGE / "emotion.yml"),
        IntentGuesser(KeywordIntents(engine.policy.intents)),
    )


@pytest.fixture
def services(db_url: str, assessor: TierAssessor) -> Iterator[Any]:
    """What `assess_turn` uses of the services, over the sample customers."""
    db = Database(db_url)
    seed_customers(db, KNOWLEDGE / "sample_customers.yml", TODAY)
    settings = Settings(
        db={"url": db_url},
        auth=AuthSettings(customer_token_secret=SECRET),
        knowledge_dir=KNOWLEDGE,
    )
    profiles = ProfileService(db, settings, today=lambda: TODAY)
    yield SimpleNamespace(db=db, profiles=profiles, assessor=assessor)
    db.dispose()


@pytest.fixture
def calls(services: Any, monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """How often the profile is resolved, the emotion scored and the entities extracted."""
    counts: Counter[str] = Counter()

    def spy(owner: object, name: str) -> None:
        real = getattr(owner, name)

        def counted(*args: Any, **kwargs: Any) -> Any:
            counts[name] += 1
            return real(*args, **kwargs)

        monkeypatch.setattr(owner, name, counted)

    spy(services.profiles, "resolve_customer")
    spy(services.assessor.emotion, "score")
    spy(services.assessor.entities, "run")
    return counts


def turn(services: Any, text: str, *, gateway: bool = True) -> TurnContext:
    """Enrich `text` and store it with its findings as the gateway does (or not: a message sent
    to Rasa directly); then read the turn as the actions do, from the Rasa tracker's latest
    message."""
    client = {"customer_token": issue_customer_token("XL10000001", SECRET)}
    found: dict[str, Any] = {}
    if gateway:
        enrich = Enricher(services.profiles, services.assessor)
        found = dict(enrich(Inbound("web", "v-1", text, metadata=client)))
    stored = {k: found[k] for k in STORED_FINDINGS if k in found}
    with services.db.session() as s:
        conv = repo.open_conversation(s, "web", "v-1")
        msg = repo.add_message(
            s, conv, direction="in", role="user", text=text, status="received", payload=stored
        )
        metadata = {"channel": "web", "conversation_id": conv.id, "message_id": msg.id}
    metadata["client"] = client
    metadata.update(found)
    latest = json.loads(json.dumps({"text": text, "metadata": metadata}))  # through Rasa
    return tier_context(Tracker("v-1", {}, latest, [], False, None, {}, None))


class TestEnrichedTurn:
    def test_profile_emotion_and_entities_are_worked_out_once(
        self, services: Any, calls: Counter[str]
    ) -> None:
        ctx = turn(services, TEXT)
        assessed = assess_turn(services, ctx, TEXT, intent=None, match=None)
        assert calls == {"resolve_customer": 1, "score": 1, "run": 1}
        assert assessed is not None
        assessment, profile = assessed
        assert profile.member_id == "XL10000001" and profile.today == TODAY
        assert assessment.inputs.model == "RG9" and "in_warranty" in assessment.inputs.tags
        with services.db.session() as s:
            stored = s.get(Message, ctx.message_id)
            assert stored is not None and stored.payload["emotion"] == assessment.emotion.to_dict()

    def test_without_the_gateway_the_action_works_them_out_alike(
        self, services: Any, calls: Counter[str]
    ) -> None:
        enriched = assess_turn(services, turn(services, TEXT), TEXT, intent=None, match=None)
        calls.clear()
        plain = assess_turn(
            services, turn(services, TEXT, gateway=False), TEXT, intent=None, match=None
        )
        assert calls == {"resolve_customer": 1, "score": 1, "run": 1}
        assert enriched is not None and plain is not None
        assert plain[1] == enriched[1]
        assert plain[0].entities == enriched[0].entities
        # the same words twice: the second one also carries the repetition signal
        assert plain[0].emotion.signals == [*enriched[0].emotion.signals, "repetition"]

    def test_a_repeated_message_is_scored_again_with_its_repetition(
        self, services: Any, calls: Counter[str]
    ) -> None:
        turn(services, TEXT)
        calls.clear()
        ctx = turn(services, TEXT)
        assessed = assess_turn(services, ctx, TEXT, intent=None, match=None)
        assert calls == {"resolve_customer": 1, "score": 2, "run": 1}
        assert assessed is not None and "repetition" in assessed[0].emotion.signals
        assert assessed[0].emotion == services.assessor.emotion.score(TEXT, TEXT)

    def test_other_words_than_the_message_are_assessed_afresh(
        self, services: Any, calls: Counter[str]
    ) -> None:
        ctx = turn(services, TEXT)
        assessed = assess_turn(services, ctx, "转人工", intent="request_human", match=None)
        assert calls == {"resolve_customer": 1, "score": 2, "run": 2}
        assert assessed is not None and assessed[0].entities == []

"""What the gateway adds to every inbound message before Rasa sees it.

The customer's profile and tags go into the Rasa metadata (the actions choose answer variants
with the tags); the message's emotion and entities go there too, so that the actions' tier
decision does not work them out again, and the gateway stores them with the message when it
stores it (`bot.gateway.service.STORED_FINDINGS`), so the conversation's emotion trajectory
and the engineer's context package can be read back from the database. The enricher only
reads: it runs before the message is stored, and nothing is written twice.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, TypedDict

from pydantic import ValidationError

from bot.gateway.types import Inbound
from bot.nlp.emotion import EmotionScore
from bot.nlp.entities import Entity
from bot.profile.profile import CustomerProfile
from bot.profile.service import ProfileService
from bot.tiering.assess import TierAssessor

log = logging.getLogger(__name__)


class Enrichment(TypedDict, total=False):
    """The keys the enricher adds to a message's Rasa metadata."""

    tags: list[str]  # the customer's tags, for the answer variants
    customer: dict[str, Any]  # the customer's profile (`CustomerProfile`, JSON)
    emotion: dict[str, Any]  # `EmotionScore` of the text alone (no repetition signal)
    entities: list[dict[str, Any]]  # the `Entity`s of the text


class Enricher:
    """Callable given to the gateway: message -> extra Rasa metadata (see `Enrichment`)."""

    def __init__(self, profiles: ProfileService, assessor: TierAssessor) -> None:
        self.profiles = profiles
        self.assessor = assessor

    def __call__(self, inbound: Inbound) -> Enrichment:
        try:
            profile = self.profiles.resolve_customer(
                inbound.channel, inbound.sender, inbound.metadata
            )
            extra = Enrichment(tags=list(profile.tags), customer=profile.model_dump(mode="json"))
            if inbound.payload is None and inbound.text.strip():
                emotion = self.assessor.emotion.score(inbound.text, None)
                entities = self.assessor.entities.run(inbound.text)
                extra["emotion"] = emotion.to_dict()
                extra["entities"] = [e.to_dict() for e in entities]
            return extra
        except Exception:  # noqa: BLE001 - enrichment must never cost the customer an answer
            log.exception("enriching a message of %s:%s", inbound.channel, inbound.sender)
            return {}


@dataclass(frozen=True)
class Enriched:
    """The enricher's findings, read back by the actions from the message's Rasa metadata.

    None where the metadata has nothing (a message that reached Rasa without the gateway, or a
    button's payload, whose text is not scored): the caller works that out itself.
    """

    text: str  # the message text the emotion and entities belong to
    profile: CustomerProfile | None = None
    emotion: EmotionScore | None = None
    entities: list[Entity] | None = None

    @classmethod
    def from_metadata(cls, metadata: dict[str, Any], text: str) -> Enriched:
        """Read `metadata` (see `Enrichment`) of the message `text`."""
        customer, emotion, entities = (metadata.get(k) for k in ("customer", "emotion", "entities"))
        try:
            return cls(
                text,
                CustomerProfile.model_validate(customer) if isinstance(customer, dict) else None,
                EmotionScore(**emotion) if isinstance(emotion, dict) else None,
                [Entity(**e) for e in entities] if isinstance(entities, list) else None,
            )
        except (TypeError, ValidationError):
            log.warning("unreadable enrichment in the metadata of %r", text, exc_info=True)
            return cls(text)

"""What the gateway adds to every inbound message before Rasa sees it.

The customer's tags go into the Rasa metadata (the actions choose answer variants with them);
the message's emotion and entities are stored with it, so the conversation's emotion
trajectory and the engineer's context package can be read back from the database.
"""

from __future__ import annotations

import logging
from typing import Any

from bot.gateway.types import Inbound
from bot.profile.service import ProfileService
from bot.storage.db import Database
from bot.storage.models import Message
from bot.tiering.assess import TierAssessor

log = logging.getLogger(__name__)


class Enricher:
    """Callable given to the gateway: (message, stored id) -> extra Rasa metadata."""

    def __init__(self, db: Database, profiles: ProfileService, assessor: TierAssessor) -> None:
        self.db = db
        self.profiles = profiles
        self.assessor = assessor

    def __call__(self, inbound: Inbound, message_id: int) -> dict[str, Any]:
        try:
            profile = self.profiles.resolve_customer(
                inbound.channel, inbound.sender, inbound.metadata
            )
            extra: dict[str, Any] = {
                "tags": list(profile.tags),
                "customer": profile.summary(),
            }
            if inbound.payload is None and inbound.text.strip():
                emotion = self.assessor.emotion.score(inbound.text, None)
                entities = self.assessor.entities.run(inbound.text)
                with self.db.session() as s:
                    message = s.get(Message, message_id)
                    if message is not None:
                        message.payload = {
                            **(message.payload or {}),
                            "emotion": emotion.to_dict(),
                            "entities": [e.to_dict() for e in entities],
                        }
            return extra
        except Exception:  # noqa: BLE001 - enrichment must never cost the customer an answer
            log.exception("enriching message %s", message_id)
            return {}

"""The app's long-lived services, built once at start-up and shared by the routes and actions.

Rasa custom actions run inside the app process (the action endpoint is a route of the app), so
they reach the live knowledge base and matcher through `current()`, not through globals of
their own.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.config import Settings
from bot.coordination.lease import Leader
from bot.gateway.rasa_client import RasaClient
from bot.gateway.service import Gateway
from bot.knowledge.live import KnowledgeService, KnowledgeSource
from bot.storage.db import Database
from bot.texts import Texts

if TYPE_CHECKING:
    from bot.analytics.service import Supervision
    from bot.auth.sessions import StaffSessions
    from bot.auth.throttle import LoginThrottle
    from bot.auth.visitor import VisitorTokens
    from bot.editor.state import EditorState
    from bot.gateway.recovery import Recovery
    from bot.handoff.service import HandoffService
    from bot.media.store import MediaStore
    from bot.profile.binding import BindingService
    from bot.profile.entry import Greetings
    from bot.profile.service import ProfileService
    from bot.tiering.assess import TierAssessor

__all__ = ["KnowledgeService", "KnowledgeSource", "Services", "current", "install"]


@dataclass
class Services:
    """Everything a request handler or an action needs, built once by the composition root
    (`bot.api.composition.build_services`)."""

    settings: Settings
    db: Database
    texts: Texts
    rasa: RasaClient
    gateway: Gateway
    knowledge: KnowledgeService
    editor: EditorState  # the knowledge editor's state (versions, drafts)
    profiles: ProfileService  # customer profiles and tags (bot.profile)
    assessor: TierAssessor  # the tier policy with entities and emotion
    binding: BindingService  # links a channel user to a customer by a code
    greetings: Greetings  # greeting and topics by customer (greetings.yml)
    handoff: HandoffService  # queues, engineers' consoles (bot.handoff)
    supervision: Supervision  # figures, alerts, work orders (bot.analytics)
    leader: Leader  # leases of the once-across-replicas periodic jobs (bot.coordination.lease)
    staff: StaffSessions  # is a staff token's user still allowed (bot.auth)
    visitors: VisitorTokens  # web visitors' signed identities
    logins: LoginThrottle  # failed-login counters and lockouts
    recovery: Recovery  # answers what dead turns left unanswered
    media: MediaStore  # pictures and files sent in conversations (bot.media)


_current: Services | None = None


def install(services: Services | None) -> None:
    """Make `services` the process-wide services (None on shutdown)."""
    global _current
    _current = services


def current() -> Services:
    """The services of the running app."""
    if _current is None:
        raise RuntimeError("the app is not started")
    return _current

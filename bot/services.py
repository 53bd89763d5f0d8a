"""The app's long-lived services, built once at start-up and shared by the routes and actions.

Rasa custom actions run inside the app process (the action endpoint is a route of the app), so
they reach the live knowledge base and matcher through `current()`, not through globals of
their own.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from bot.config import Settings
from bot.coordination.lease import Leader
from bot.diagnosis.engine import Diagnoser
from bot.diagnosis.loader import load_diagnosis
from bot.diagnosis.schema import DiagnosisBook
from bot.gateway.rasa_client import RasaClient
from bot.gateway.service import Gateway
from bot.knowledge.loader import load_knowledge
from bot.knowledge.schema import KnowledgeBase
from bot.matching.pipeline import Matcher
from bot.storage.db import Database
from bot.texts import Texts

if TYPE_CHECKING:
    from bot.analytics.service import Supervision
    from bot.editor.runtime import EditorRuntime
    from bot.handoff.service import HandoffService
    from bot.profile.binding import BindingService
    from bot.profile.entry import Greetings
    from bot.profile.service import ProfileService
    from bot.tiering.assess import TierAssessor

log = logging.getLogger(__name__)


class KnowledgeSource(Protocol):
    """Where the knowledge served at start comes from (see `bot.editor.runtime`)."""

    def load(self, root: Path) -> tuple[KnowledgeBase, DiagnosisBook]:
        """The knowledge base and trees to serve, given the knowledge directory."""
        ...


class KnowledgeService:
    """The live knowledge base, its matcher and the diagnosis trees; `publish` swaps them in."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.matcher = Matcher(settings.matching)
        self._kb: KnowledgeBase | None = None
        self._diagnoser: Diagnoser | None = None
        self._publish_lock = threading.Lock()

    @property
    def kb(self) -> KnowledgeBase:
        """The knowledge base that is live now."""
        if self._kb is None:
            raise RuntimeError("knowledge base not loaded: call warm_up() first")
        return self._kb

    @property
    def diagnoser(self) -> Diagnoser | None:
        """The live diagnosis trees (None when the knowledge base has none)."""
        return self._diagnoser

    def warm_up(self, path: Path | None = None, source: KnowledgeSource | None = None) -> None:
        """Load the encoder and the knowledge, and build the first index.

        Args:
            path: the knowledge directory (default: settings).
            source: where the knowledge to serve comes from (the editor's published versions,
                which the files seed); None = the files as they are.
        """
        started = time.perf_counter()
        self.matcher.warm_up()
        root = Path(path or self.settings.knowledge_dir)
        if source is not None:
            kb, book = source.load(root)
        else:
            kb = load_knowledge(root)
            book = load_diagnosis(root, kb.product_ids) if root.is_dir() else DiagnosisBook()
        self.publish(kb, book)
        log.info(
            "knowledge base live: %d questions in %.1f s",
            len(self.kb.questions),
            time.perf_counter() - started,
        )

    def publish(self, kb: KnowledgeBase, book: DiagnosisBook | None = None) -> None:
        """Make `kb` (and `book`, if given) live. If the index build fails, the old base keeps
        serving."""
        diagnoser = Diagnoser(book) if book is not None and book.trees else None
        with self._publish_lock:
            self.matcher.build(kb)
            self._kb = kb
            if book is not None:
                self._diagnoser = diagnoser
        # Live now with the last calibration; the base's own swaps in when it is fitted.
        self.matcher.calibrate_in_background()


@dataclass
class Services:
    """Everything a request handler or an action needs."""

    settings: Settings
    db: Database
    texts: Texts
    rasa: RasaClient
    gateway: Gateway
    knowledge: KnowledgeService
    editor: EditorRuntime | None = None  # the knowledge editor's state (versions, drafts)
    profiles: ProfileService | None = None  # customer profiles and tags (bot.profile)
    assessor: TierAssessor | None = None  # the tier policy with entities and emotion
    binding: BindingService | None = None  # links a channel user to a customer by a code
    greetings: Greetings | None = None  # greeting and topics by customer (greetings.yml)
    handoff: HandoffService | None = None  # queues, engineers' consoles (bot.handoff)
    supervision: Supervision | None = None  # figures, alerts, work orders (bot.analytics)
    # leases of the once-across-replicas periodic jobs (bot.coordination.lease)
    leader: Leader | None = None


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

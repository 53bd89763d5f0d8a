"""The live knowledge base: the published questions, their matcher and the diagnosis trees.

`KnowledgeService.publish` swaps a new base in atomically; the editor's runtime calls it when a
version goes live, and every reader (actions, the handoff context, the editor's try-it) asks it
for the base and matcher that are live now.
"""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path
from typing import Protocol

from bot.config import Settings
from bot.diagnosis.engine import Diagnoser
from bot.diagnosis.loader import load_diagnosis
from bot.diagnosis.schema import DiagnosisBook
from bot.knowledge.loader import load_knowledge
from bot.knowledge.schema import KnowledgeBase
from bot.matching.pipeline import Matcher

log = logging.getLogger(__name__)


class KnowledgeSource(Protocol):
    """Where the knowledge served at start comes from (see `bot.editor.state`)."""

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

"""The editor's long-lived state in the app: which version is live, cached snapshots, helpers.

`EditorState.load` is what `KnowledgeService.warm_up` calls to get the knowledge to serve:
the newest published version in the database, or the files (which then become a version).
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy.exc import IntegrityError

from bot.config import Settings
from bot.diagnosis.schema import DiagnosisBook
from bot.editor import store
from bot.editor.catalog.stats import Stats
from bot.editor.drafting.diff import diff, slim
from bot.editor.drafting.snapshot import Snapshot
from bot.editor.drafting.sync import LiveSync
from bot.editor.errors import EditorError, not_found
from bot.editor.transfer.knowledge_files import fingerprint, read_dir
from bot.knowledge.schema import KnowledgeBase
from bot.storage.db import Database
from bot.tiering.assess import TierAssessor
from bot.tiering.build import build_assessor

if TYPE_CHECKING:
    from bot.knowledge.live import KnowledgeService

log = logging.getLogger(__name__)
SYSTEM = {"username": "system", "role": "admin"}


class EditorState:
    """Shared by the editor's routes; one per app process.

    Args:
        db: the app database (migrated).
        settings: app settings.
        knowledge: the live knowledge service whose index a publish swaps.
    """

    def __init__(self, db: Database, settings: Settings, knowledge: KnowledgeService) -> None:
        self.db = db
        self.settings = settings
        self.knowledge = knowledge
        self.live_version: int | None = None
        self.publish_lock = threading.RLock()
        self._snapshots: OrderedDict[int, Snapshot] = OrderedDict()
        self._cache_lock = threading.Lock()
        self._stats: Stats | None = None
        self.sync: LiveSync | None = None
        self.extras: dict[str, Any] = {}  # lazily built helpers (matchers)
        # The app's tier policy, set by the composition root; a runtime of its own (tests,
        # tools) builds one on first use (`tier_assessor`).
        self.assessor: TierAssessor | None = None

    def tier_assessor(self) -> TierAssessor:
        """The tier policy the try-it panel decides with."""
        if self.assessor is None:
            self.assessor = build_assessor(
                self.settings, matcher=self.knowledge.matcher, use_rasa=False
            )
        return self.assessor

    @property
    def stats(self) -> Stats:
        """Hit, feedback and last-edit counters."""
        if self._stats is None:
            self._stats = Stats(self.db, self.settings.editor.stats_ttl_s)
        return self._stats

    def load(self, root: Path) -> tuple[KnowledgeBase, DiagnosisBook]:
        """The knowledge to serve at start (see the module docstring of `bot.editor`)."""
        snap, number = self._startup_snapshot(Path(root))
        try:
            kb, book = snap.build()
        except EditorError as err:
            # A stored version that no longer validates (e.g. a stricter schema): serve the
            # files rather than nothing, and say so.
            log.error("version %s does not validate (%s); serving the files", number, err)
            snap = read_dir(Path(root))
            kb, book = snap.build()
        self.live_version = number
        self._remember(number, snap)
        return kb, book

    def _startup_snapshot(self, root: Path) -> tuple[Snapshot, int]:
        fp = fingerprint(root)
        with self.db.session() as s:
            latest = store.latest_number(s)
            files = store.latest_files_version(s)
            if latest is not None and files is not None and files.fingerprint == fp:
                return self._decode(s, latest), latest
            if latest is not None and files is not None and files.number != latest:
                log.warning(
                    "the knowledge files changed since version %d, but version %d was "
                    "published in the editor since: it stays live (import the files in the "
                    "editor to take them over)",
                    files.number,
                    latest,
                )
                return self._decode(s, latest), latest
            previous = self._decode(s, latest) if latest is not None else None
        snap = read_dir(root)
        number = (latest or 0) + 1
        try:
            with self.db.session() as s:
                store.add_version(
                    s,
                    number=number,
                    kind="files",
                    author=SYSTEM["username"],
                    note=str(root),
                    fingerprint=fp,
                    snapshot=snap.encode(),
                    diff=slim(diff(previous, snap)),
                )
                store.audit(s, SYSTEM, "version.files", "version", number, path=str(root))
        except IntegrityError:
            # Another replica read the same files at the same moment: use its version.
            with self.db.session() as s:
                number = store.latest_number(s) or number
                return self._decode(s, number), number
        log.info("knowledge files read as version %d", number)
        return snap, number

    def _decode(self, s: Any, number: int) -> Snapshot:
        row = store.version(s, number)
        if row is None:
            raise not_found("version", number)
        return Snapshot.decode(row.snapshot)

    def snapshot(self, number: int | None = None) -> Snapshot:
        """A version's snapshot (the live one by default), cached. Never modify it."""
        number = self.live_version if number is None else number
        if number is None:
            raise EditorError(503, "not_ready", "no knowledge version is live yet")
        with self._cache_lock:
            if number in self._snapshots:
                self._snapshots.move_to_end(number)
                return self._snapshots[number]
        with self.db.session() as s:
            snap = self._decode(s, number)
        self._remember(number, snap)
        return snap

    def _remember(self, number: int, snap: Snapshot) -> None:
        with self._cache_lock:
            self._snapshots[number] = snap
            while len(self._snapshots) > 4:
                self._snapshots.popitem(last=False)

    def go_live(self, number: int, snap: Snapshot | None = None) -> None:
        """Serve version `number` in this process (after a publish, here or elsewhere)."""
        with self.publish_lock:
            if self.live_version is not None and number <= self.live_version and snap is None:
                return
            snap = snap or self.snapshot(number)
            self.serve(number, snap, *snap.build())

    def serve(self, number: int, snap: Snapshot, kb: KnowledgeBase, book: DiagnosisBook) -> None:
        """Swap the live index (the caller holds `publish_lock`)."""
        self.knowledge.publish(kb, book)
        self._remember(number, snap)
        self.live_version = number
        log.info("knowledge version %d is live", number)

    def newest_published(self) -> int | None:
        """The newest version number in the database."""
        with self.db.session() as s:
            return store.latest_number(s)

    def start_sync(self) -> None:
        """Follow publishes of other replicas (Redis pub/sub, else database polling)."""
        cfg = self.settings.editor
        self.sync = LiveSync(
            self, self.settings.redis.url, cfg.redis_channel, cfg.poll_interval_s
        ).start()

    def close(self) -> None:
        """Stop the replica sync and the helpers that hold threads (the import queue)."""
        if self.sync is not None:
            self.sync.stop()
        for helper in list(self.extras.values()):
            close = getattr(helper, "close", None)
            if callable(close):
                close()

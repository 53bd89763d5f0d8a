"""Imports as background jobs: the request stores the upload and answers; a thread imports it.

A job is a row of ``kb_import_jobs`` (so any replica answers for it); its upload is kept on the
disk of the replica that took it (``var/imports/<id>.upload``) until the job ends. Jobs run one
at a time per process, in the order they came. States: ``queued`` -> ``running`` -> ``done``
(``result`` is the new draft, as the synchronous import answered) or ``failed`` (``error`` is
the error body the synchronous import answered, with its HTTP ``status``; ``problems`` names
file, line and field).

A job left ``queued`` or ``running`` by a process that is gone (stopped, killed) is reported
``failed`` with the code ``interrupted`` when next read: at once on the same host (its pid is
gone), after `STALE_S` elsewhere. Nothing is retried.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import delete

from bot.editor.drafting.drafts import Actor
from bot.editor.errors import EditorError, not_found
from bot.editor.state import EditorState
from bot.editor.transfer.importing import Mode, apply_import
from bot.storage.models import KbImportJob

log = logging.getLogger(__name__)
KEEP_S = 7 * 24 * 3600
"""Finished jobs are forgotten after a week (pruned when a new job is submitted)."""
MAX_WAITING = 10
"""More jobs than this waiting in one process: a new one is refused (429)."""
ID_PATTERN = r"^[0-9a-f]{32}$"
STALE_S = 15 * 60
"""A job of another host not ended this long after its last change is taken as interrupted."""
HOST = socket.gethostname()


def _now() -> str:
    return datetime.now(UTC).isoformat()


def _alive(job: dict[str, Any], mine: str) -> bool:
    """Whether the queue that took `job` may still run it; `mine` is this queue."""
    owner = str(job["owner"])
    if owner == mine:
        return True
    host, _, rest = owner.partition(":")
    if host != HOST:
        last = datetime.fromisoformat(job["started_at"] or job["created_at"])
        return datetime.now(UTC) - last < timedelta(seconds=STALE_S)
    pid = int(rest.split(":", 1)[0] or 0)
    if pid <= 0 or pid == os.getpid():
        return False  # this pid, another queue: a stopped app or a reused pid
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class ImportJobs:
    """The import queue of one app process.

    Args:
        rt: the editor runtime the imports write drafts through.
        root: the directory of the job files (``var/imports``).
    """

    def __init__(self, rt: EditorState, root: Path) -> None:
        self.rt = rt
        self.root = Path(root)
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kb-import")
        self._futures: dict[str, Future[None]] = {}
        self._lock = threading.Lock()
        self.owner = f"{HOST}:{os.getpid()}:{uuid.uuid4().hex}"  # this queue, never reused

    # ---- storage -----------------------------------------------------------------------
    def _upload(self, job_id: str) -> Path:
        return self.root / f"{job_id}.upload"

    def _write(self, job: dict[str, Any]) -> None:
        with self.rt.db.session() as s:
            row = s.get(KbImportJob, job["id"])
            if row is None:
                row = KbImportJob(id=job["id"], author=job["user"])
                s.add(row)
            row.state = job["state"]
            row.job = dict(job)

    def _read(self, job_id: str) -> dict[str, Any] | None:
        with self.rt.db.session() as s:
            row = s.get(KbImportJob, job_id)
            return dict(row.job) if row is not None else None

    def _prune(self) -> None:
        cutoff = datetime.now(UTC) - timedelta(seconds=KEEP_S)
        with self.rt.db.session() as s:
            s.execute(delete(KbImportJob).where(KbImportJob.created_at < cutoff))
        for path in self.root.glob("*.upload"):  # left by a process that stopped mid-job
            try:
                if path.stat().st_mtime < cutoff.timestamp():
                    path.unlink(missing_ok=True)
            except OSError:
                continue

    # ---- API ---------------------------------------------------------------------------
    def submit(
        self, actor: Actor, filename: str, data: bytes, mode: Mode, title: str
    ) -> dict[str, Any]:
        """Store the upload and queue its import; returns the job as first stored."""
        with self._lock:
            waiting = sum(1 for f in self._futures.values() if not f.done())
            if waiting >= MAX_WAITING:
                raise EditorError(429, "too_many_imports", "too many imports waiting; retry later")
            self.root.mkdir(parents=True, exist_ok=True)
            self._prune()
            job_id = uuid.uuid4().hex
            job: dict[str, Any] = {
                "id": job_id,
                "state": "queued",
                "file": filename,
                "mode": mode,
                "title": title,
                "user": actor["username"],
                "owner": self.owner,
                "created_at": _now(),
                "started_at": None,
                "finished_at": None,
                "result": None,
                "error": None,
                "problems": [],
            }
            self._upload(job_id).write_bytes(data)
            self._write(job)
            self._futures[job_id] = self._pool.submit(self._run, job, dict(actor))
        return job

    def get(self, job_id: str, actor: Actor) -> dict[str, Any]:
        """A job, as its creator or an admin sees it (others: 404, as if it did not exist)."""
        job = self._read(job_id)
        if job is None or (actor["username"] != job["user"] and actor["role"] != "admin"):
            raise not_found("import", job_id)
        if job["state"] in ("queued", "running") and not _alive(job, self.owner):
            job = self._finish(
                job,
                EditorError(500, "interrupted", "the app stopped before this import finished"),
            )
        return job

    def wait(self, job_id: str, timeout: float) -> bool:
        """Block up to `timeout` seconds for a job of this process; whether it has ended."""
        future = self._futures.get(job_id)
        if future is None:
            job = self._read(job_id)
            return job is not None and job["state"] in ("done", "failed")
        try:
            future.result(timeout)
        except TimeoutError:
            return False
        return True

    def close(self) -> None:
        """Stop taking jobs; queued ones are left to be reported interrupted."""
        self._pool.shutdown(wait=False, cancel_futures=True)

    # ---- the worker --------------------------------------------------------------------
    def _run(self, job: dict[str, Any], actor: Actor) -> None:
        job = {**job, "state": "running", "started_at": _now()}
        self._write(job)
        upload = self._upload(job["id"])
        try:
            draft = apply_import(
                self.rt,
                actor,
                job["file"],
                upload.read_bytes(),
                job["mode"],
                job["title"],
                job=job["id"],
            )
        except EditorError as err:
            self._finish(job, err)
        except Exception:
            log.exception("import %s failed", job["id"])
            self._finish(job, EditorError(500, "import_failed", "the import failed unexpectedly"))
        else:
            self._finish(job, None, draft)
        finally:
            upload.unlink(missing_ok=True)
            with self._lock:
                self._futures.pop(job["id"], None)

    def _finish(
        self, job: dict[str, Any], err: EditorError | None, draft: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        if err is None:
            problems = (draft or {}).get("problems") or []
            job = {**job, "state": "done", "result": draft, "problems": problems}
        else:
            body = {"status": err.status, **err.to_dict()}
            job = {**job, "state": "failed", "error": body, "problems": body.get("problems", [])}
        job["finished_at"] = _now()
        self._write(job)
        return job


def public(job: dict[str, Any]) -> dict[str, Any]:
    """A job as the API shows it (without the process that ran it)."""
    return {k: v for k, v in job.items() if k != "owner"}

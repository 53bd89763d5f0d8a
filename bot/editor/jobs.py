"""Imports as background jobs: the request stores the upload and answers; a thread imports it.

A job is a JSON file under ``var/imports/`` (``<id>.json``) with its upload beside it
(``<id>.upload``, deleted once the job ends). Jobs run one at a time per process, in the order
they came. States: ``queued`` -> ``running`` -> ``done`` (``result`` is the new draft, as the
synchronous import used to answer) or ``failed`` (``error`` is the error body the synchronous
import used to answer, with its HTTP ``status``; ``problems`` names file, line and field).

A job left ``queued`` or ``running`` by a process that is gone (stopped, killed) is reported
``failed`` with the code ``interrupted`` when next read; nothing is retried.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
import uuid
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.editor.drafts import Actor
from bot.editor.errors import EditorError, not_found
from bot.editor.importing import Mode, apply_import
from bot.editor.runtime import EditorRuntime

log = logging.getLogger(__name__)
KEEP_S = 7 * 24 * 3600
"""Finished jobs are forgotten after a week (pruned when a new job is submitted)."""
MAX_WAITING = 10
"""More jobs than this waiting in one process: a new one is refused (429)."""
ID_PATTERN = r"^[0-9a-f]{32}$"
_PROCESS = f"{os.getpid()}:{uuid.uuid4().hex}"  # this process, distinct from a reused pid


def _now() -> str:
    return datetime.now(UTC).isoformat()


def _alive(owner: str) -> bool:
    """Whether the process that queued a job may still run it."""
    if owner == _PROCESS:
        return True
    pid = int(owner.split(":", 1)[0] or 0)
    if pid <= 0 or pid == os.getpid():
        return False  # this pid, another start: the old process is gone
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

    def __init__(self, rt: EditorRuntime, root: Path) -> None:
        self.rt = rt
        self.root = Path(root)
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kb-import")
        self._futures: dict[str, Future[None]] = {}
        self._lock = threading.Lock()

    # ---- files -------------------------------------------------------------------------
    def _path(self, job_id: str, suffix: str = ".json") -> Path:
        return self.root / f"{job_id}{suffix}"

    def _write(self, job: dict[str, Any]) -> None:
        tmp = self._path(job["id"], ".tmp")
        tmp.write_text(json.dumps(job, ensure_ascii=False, default=str), encoding="utf-8")
        tmp.replace(self._path(job["id"]))

    def _read(self, job_id: str) -> dict[str, Any] | None:
        try:
            return dict(json.loads(self._path(job_id).read_text(encoding="utf-8")))
        except (FileNotFoundError, ValueError):
            return None

    def _prune(self) -> None:
        cutoff = time.time() - KEEP_S
        for path in self.root.glob("*.json"):
            try:
                if path.stat().st_mtime < cutoff:
                    path.unlink(missing_ok=True)
                    self._path(path.stem, ".upload").unlink(missing_ok=True)
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
                "owner": _PROCESS,
                "created_at": _now(),
                "started_at": None,
                "finished_at": None,
                "result": None,
                "error": None,
                "problems": [],
            }
            self._path(job_id, ".upload").write_bytes(data)
            self._write(job)
            self._futures[job_id] = self._pool.submit(self._run, job, dict(actor))
        return job

    def get(self, job_id: str, actor: Actor) -> dict[str, Any]:
        """A job, as its creator or an admin sees it (others: 404, as if it did not exist)."""
        job = self._read(job_id)
        if job is None or (actor["username"] != job["user"] and actor["role"] != "admin"):
            raise not_found("import", job_id)
        if job["state"] in ("queued", "running") and not _alive(job["owner"]):
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
        upload = self._path(job["id"], ".upload")
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

"""Knowledge imports (`/api/kb/import...`): preview in the request, the import itself as a job.

`POST /api/kb/import` stores the upload and answers 202 with the job and its `Location`;
`GET /api/kb/import/{job}` gives its state (see `bot.editor.transfer.import_jobs`). With
`?wait=S` (up to 10 s) the request waits for the job and, when it ends in time, answers as the
synchronous import did:
201 with the draft, or the error status with the error body. Same roles as the other edits.
"""

from __future__ import annotations

import asyncio
import threading
from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Form, HTTPException, Path, Query, UploadFile
from fastapi.responses import JSONResponse

from bot.api.routes.editor import EditorDep, Writer, run
from bot.editor.state import EditorState
from bot.editor.transfer import importing
from bot.editor.transfer.import_jobs import ID_PATTERN, ImportJobs, public

router = APIRouter(prefix="/api/kb", tags=["editor"])
MAX_UPLOAD = 20 * 1024 * 1024
"""Knowledge imports (zip, xlsx) may exceed the general body limit up to this size."""
MAX_WAIT_S = 10.0
_lock = threading.Lock()


def jobs_of(rt: EditorState) -> ImportJobs:
    """The import queue of this process (made on first use, closed with the runtime)."""
    with _lock:
        found = rt.extras.get("imports")
        if not isinstance(found, ImportJobs):
            found = rt.extras["imports"] = ImportJobs(rt, rt.settings.var_dir / "imports")
        return found


async def _upload(file: UploadFile) -> bytes:
    data = await file.read(MAX_UPLOAD + 1)
    if len(data) > MAX_UPLOAD:
        raise HTTPException(413, detail={"code": "too_large", "message": "file too large"})
    return data


@router.post("/import/preview")
async def import_preview(
    rt: EditorDep,
    _: Writer,
    file: Annotated[UploadFile, File()],
    mode: Annotated[Literal["merge", "replace"], Form()] = "merge",
) -> dict[str, Any]:
    """Validate a .zip or .xlsx and show what it would change (nothing is saved)."""
    data = await _upload(file)
    return await run(importing.preview_import, rt, file.filename or "", data, mode)


@router.post("/import", status_code=202)
async def import_apply(
    rt: EditorDep,
    user: Writer,
    file: Annotated[UploadFile, File()],
    mode: Annotated[Literal["merge", "replace"], Form()] = "merge",
    title: Annotated[str, Form(max_length=200)] = "",
    wait: Annotated[float, Query(ge=0, le=MAX_WAIT_S)] = 0,
) -> JSONResponse:
    """Queue a .zip or .xlsx to be checked and put into a new draft (for review).

    Answers 202 with the job (`GET /api/kb/import/{id}` follows it). `wait`: seconds to wait
    for the job; if it ends in time, the answer is the synchronous one (201 + draft, or the
    error), as before imports became jobs.
    """
    data = await _upload(file)
    jobs = jobs_of(rt)
    job = await run(jobs.submit, user, file.filename or "", data, mode, title)
    if wait > 0 and await asyncio.to_thread(jobs.wait, job["id"], wait):
        job = await run(jobs.get, job["id"], user)
        if job["state"] == "done":
            return JSONResponse(job["result"], status_code=201)
        error = dict(job["error"])
        raise HTTPException(error.pop("status"), detail=error)
    location = f"/api/kb/import/{job['id']}"
    return JSONResponse(public(job), status_code=202, headers={"Location": location})


@router.get("/import/{job_id}")
async def import_job(
    rt: EditorDep, user: Writer, job_id: Annotated[str, Path(pattern=ID_PATTERN)]
) -> dict[str, Any]:
    """An import job: queued, running, done (`result`: the draft) or failed (`error`)."""
    return public(await run(jobs_of(rt).get, job_id, user))

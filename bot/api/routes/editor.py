"""The knowledge editor API (`/api/kb/...`): thin handlers over `bot.editor`.

Roles: reading needs editor, reviewer or supervisor; editing needs editor or reviewer; review,
publish and rollback need reviewer; admin may do everything (`require_roles`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Annotated, Any, Literal, TypeVar

from fastapi import APIRouter, Body, Depends, HTTPException, Query
from fastapi.responses import Response
from pydantic import BaseModel, Field

from bot.api.deps import ServicesDep, StaffUserClaims, require_roles
from bot.api.params import Days, Limit, Offset
from bot.editor.catalog import views
from bot.editor.catalog.listing import Query as ListQuery
from bot.editor.catalog.try_it import sample_customers, try_it
from bot.editor.drafting import drafts, edits, publishing
from bot.editor.drafting.conflicts import conflicts_of_draft
from bot.editor.errors import EditorError
from bot.editor.learn import learning
from bot.editor.state import EditorState
from bot.editor.transfer.excel import export_workbook
from bot.editor.transfer.knowledge_files import export_zip

router = APIRouter(prefix="/api/kb", tags=["editor"])
T = TypeVar("T")

Reader = Annotated[StaffUserClaims, Depends(require_roles("editor", "reviewer", "supervisor"))]
Writer = Annotated[StaffUserClaims, Depends(require_roles("editor", "reviewer"))]
Reviewer = Annotated[StaffUserClaims, Depends(require_roles("reviewer"))]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _editor(svc: ServicesDep) -> EditorState:
    return svc.editor


EditorDep = Annotated[EditorState, Depends(_editor)]


async def run(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run editor logic in a thread; its refusals become HTTP errors."""
    try:
        return await asyncio.to_thread(fn, *args, **kwargs)
    except EditorError as err:
        raise HTTPException(err.status, detail=err.to_dict()) from err


class DraftIn(BaseModel):
    """A new draft."""

    title: str = Field(default="", max_length=200)


class ReviewIn(BaseModel):
    """A review step: an optional note; `force` publishes despite listed conflicts."""

    note: str | None = Field(default=None, max_length=2000)
    force: bool = False


class PhrasingIn(BaseModel):
    """A similar phrasing to add to a question."""

    question_id: str
    text: str = Field(min_length=1, max_length=200)


class TryIn(BaseModel):
    """Try a question as a customer on a channel, on the live knowledge or a draft."""

    text: str = Field(min_length=1, max_length=500)
    member_id: str | None = None
    channel: Literal["web", "wechat"] = "web"
    draft_id: int | None = None


@router.get("/me")
async def me(user: Reader) -> dict[str, str]:
    """The logged-in staff user."""
    return dict(user)


@router.get("/live")
async def live(rt: EditorDep, _: Reader) -> dict[str, Any]:
    """The live version and its size."""
    return await run(views.live, rt)


@router.get("/meta")
async def meta(rt: EditorDep, _: Reader) -> dict[str, Any]:
    """Categories, product lines, trees, tags and channels for the forms."""
    return await run(views.meta, rt)


@router.get("/questions")
async def questions(
    rt: EditorDep, _: Reader, query: Annotated[ListQuery, Query()], draft_id: int | None = None
) -> dict[str, Any]:
    """Standard questions: search, filters (category, product line, tier, hits, last edit)."""
    return await run(views.questions, rt, query, draft_id)


@router.get("/questions/{qid}")
async def question(
    rt: EditorDep, _: Reader, qid: str, draft_id: int | None = None
) -> dict[str, Any]:
    """One standard question (live, or as a draft has it)."""
    return await run(views.question, rt, qid, draft_id)


@router.get("/trees")
async def trees(rt: EditorDep, _: Reader, draft_id: int | None = None) -> list[dict[str, Any]]:
    """The diagnosis trees with their sizes."""
    return await run(views.trees, rt, draft_id)


@router.get("/trees/{tid}")
async def tree(rt: EditorDep, _: Reader, tid: str, draft_id: int | None = None) -> dict[str, Any]:
    """One diagnosis tree with per-node counters."""
    return await run(views.tree, rt, tid, draft_id)


@router.post("/trees/validate")
async def validate_tree(
    rt: EditorDep, _: Reader, data: Annotated[dict[str, Any], Body()]
) -> dict[str, Any]:
    """Check a tree without saving it: dead ends, orphans, loops, unknown ids."""
    return await run(views.validate_tree, rt, data)


@router.get("/drafts")
async def list_drafts(
    rt: EditorDep,
    user: Reader,
    status: Annotated[list[str] | None, Query()] = None,
    mine: bool = False,
) -> list[dict[str, Any]]:
    """Drafts, most recently changed first."""
    return await run(drafts.listing, rt, status, user["username"] if mine else None)


@router.post("/drafts", status_code=201)
async def create_draft(rt: EditorDep, user: Writer, body: DraftIn) -> dict[str, Any]:
    """Start a draft."""
    return await run(drafts.create, rt, user, body.title)


@router.get("/drafts/{draft_id}")
async def get_draft(rt: EditorDep, _: Reader, draft_id: int) -> dict[str, Any]:
    """A draft with each item's diff, staleness and problems."""
    return await run(drafts.get, rt, draft_id)


@router.delete("/drafts/{draft_id}")
async def discard_draft(rt: EditorDep, user: Writer, draft_id: int) -> dict[str, Any]:
    """Discard a draft (not a published one)."""
    return await run(drafts.transition, rt, user, draft_id, "discard")


@router.post("/drafts/{draft_id}/submit")
async def submit(rt: EditorDep, user: Writer, draft_id: int) -> dict[str, Any]:
    """Send a draft to review (its items must pass the full rules)."""
    return await run(drafts.transition, rt, user, draft_id, "submit")


@router.post("/drafts/{draft_id}/withdraw")
async def withdraw(rt: EditorDep, user: Writer, draft_id: int) -> dict[str, Any]:
    """Take a draft back from review, to edit it again."""
    return await run(drafts.transition, rt, user, draft_id, "withdraw")


@router.post("/drafts/{draft_id}/approve")
async def approve(
    rt: EditorDep, user: Reviewer, draft_id: int, body: ReviewIn | None = None
) -> dict[str, Any]:
    """Approve someone else's draft for publishing."""
    return await run(drafts.transition, rt, user, draft_id, "approve", body and body.note)


@router.post("/drafts/{draft_id}/reject")
async def reject(
    rt: EditorDep, user: Reviewer, draft_id: int, body: ReviewIn | None = None
) -> dict[str, Any]:
    """Send a draft back to its author, with a note."""
    return await run(drafts.transition, rt, user, draft_id, "reject", body and body.note)


@router.post("/drafts/{draft_id}/publish")
async def publish(
    rt: EditorDep, user: Reviewer, draft_id: int, body: ReviewIn | None = None
) -> dict[str, Any]:
    """Publish an approved draft: a new version, live when this returns."""
    force = bool(body and body.force)
    return await run(publishing.publish, rt, user, draft_id, force=force)


@router.get("/drafts/{draft_id}/conflicts")
async def conflicts(rt: EditorDep, _: Reader, draft_id: int) -> dict[str, Any]:
    """The conflict check of a draft: phrasings closer to other questions, near-duplicates."""
    return await run(conflicts_of_draft, rt, draft_id)


@router.put("/drafts/{draft_id}/questions/{qid}")
async def save_question(
    rt: EditorDep, user: Writer, draft_id: int, qid: str, data: Annotated[dict[str, Any], Body()]
) -> dict[str, Any]:
    """Save a question's fields into the draft; returns the problems review would find."""
    return await run(edits.save_question, rt, user, draft_id, qid, data)


@router.post("/drafts/{draft_id}/questions", status_code=201)
async def create_question(
    rt: EditorDep, user: Writer, draft_id: int, data: Annotated[dict[str, Any], Body()]
) -> dict[str, Any]:
    """Add a new question (in an existing category) to the draft."""
    return await run(edits.create_question, rt, user, draft_id, data)


@router.post("/drafts/{draft_id}/questions/{qid}/{state}")
async def enable(
    rt: EditorDep, user: Writer, draft_id: int, qid: str, state: Literal["disable", "enable"]
) -> dict[str, Any]:
    """Disable (keep, but out of service) or enable a question."""
    return await run(edits.set_disabled, rt, user, draft_id, qid, state == "disable")


@router.delete("/drafts/{draft_id}/questions/{qid}")
async def delete_question(
    rt: EditorDep, user: Writer, draft_id: int, qid: str, confirm: str | None = None
) -> dict[str, Any]:
    """Delete a question; `confirm` repeats its id."""
    return await run(edits.delete_question, rt, user, draft_id, qid, confirm)


@router.post("/drafts/{draft_id}/phrasings")
async def add_phrasing(
    rt: EditorDep, user: Writer, draft_id: int, body: PhrasingIn
) -> dict[str, Any]:
    """Add a similar phrasing to a question (one click from what users asked)."""
    return await run(edits.add_phrasing, rt, user, draft_id, body.question_id, body.text)


@router.put("/drafts/{draft_id}/trees/{tid}")
async def save_tree(
    rt: EditorDep, user: Writer, draft_id: int, tid: str, data: Annotated[dict[str, Any], Body()]
) -> dict[str, Any]:
    """Save a tree into the draft (refused with the problems unless it validates)."""
    return await run(edits.save_tree, rt, user, draft_id, tid, data)


@router.delete("/drafts/{draft_id}/trees/{tid}")
async def delete_tree(
    rt: EditorDep, user: Writer, draft_id: int, tid: str, confirm: str | None = None
) -> dict[str, Any]:
    """Delete a tree; `confirm` repeats its id."""
    return await run(edits.delete_tree, rt, user, draft_id, tid, confirm)


@router.delete("/drafts/{draft_id}/items/{kind}/{item}")
async def revert(
    rt: EditorDep, user: Writer, draft_id: int, kind: str, item: str
) -> dict[str, Any]:
    """Drop one item's edits from the draft."""
    return await run(edits.revert, rt, user, draft_id, kind, item)


@router.get("/versions")
async def versions(
    rt: EditorDep, _: Reader, limit: Limit = 100, offset: Offset = 0
) -> dict[str, Any]:
    """Published versions, newest first."""
    return await run(views.versions, rt, limit, offset)


@router.get("/versions/{number}")
async def version(rt: EditorDep, _: Reader, number: int) -> dict[str, Any]:
    """One version with its diff against the previous one."""
    return await run(views.version, rt, number)


@router.post("/versions/{number}/rollback")
async def rollback(
    rt: EditorDep, user: Reviewer, number: int, body: ReviewIn | None = None
) -> dict[str, Any]:
    """Make an earlier version's content live again (as a new version)."""
    return await run(publishing.rollback, rt, user, number, (body.note if body else None) or "")


@router.post("/try")
async def try_question(rt: EditorDep, _: Reader, body: TryIn) -> dict[str, Any]:
    """Candidates with scores, decision, the answer variant chosen and the tier decision."""
    return await run(
        try_it,
        rt,
        body.text,
        member_id=body.member_id,
        channel=body.channel,
        draft_id=body.draft_id,
    )


@router.get("/try/customers")
async def try_customers(rt: EditorDep, _: Reader) -> list[dict[str, Any]]:
    """The sample customers to try questions as."""
    return await run(sample_customers, rt)


@router.get("/learn/unmatched")
async def unmatched(
    rt: EditorDep, _: Reader, days: Days = None, limit: Limit = 50
) -> dict[str, Any]:
    """What users asked that nothing matched or only got a choice, clustered by meaning."""
    return await run(learning.unmatched, rt, days, limit)


@router.get("/learn/feedback")
async def feedback(rt: EditorDep, _: Reader, limit: Limit = 100) -> list[dict[str, Any]]:
    """Thumbs up/down per question from the chat page."""
    return await run(views.feedback, rt, limit)


@router.get("/export.zip")
async def export_files(rt: EditorDep, _: Reader, version: int | None = None) -> Response:
    """The knowledge (live, or a version) as a zip of the `knowledge/` format."""
    data = await run(lambda: export_zip(rt.snapshot(version)))
    name = f"knowledge-v{version or rt.live_version}.zip"
    return _download(data, "application/zip", name)


@router.get("/export.xlsx")
async def export_excel(rt: EditorDep, _: Reader, version: int | None = None) -> Response:
    """The questions (live, or a version) as an Excel workbook, one row per phrasing."""
    data = await run(lambda: export_workbook(rt.snapshot(version)))
    return _download(data, XLSX, f"knowledge-v{version or rt.live_version}.xlsx")


def _download(data: bytes, media: str, name: str) -> Response:
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    return Response(data, media_type=media, headers=headers)


@router.get("/audit")
async def audit(
    rt: EditorDep,
    _: Reader,
    actor: str | None = None,
    action: str | None = None,
    target: str | None = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> dict[str, Any]:
    """Every change made through the editor, newest first."""
    return await run(views.audit, rt, actor, action, target, limit, offset)

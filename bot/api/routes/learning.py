"""Learning from users beyond the unmatched list (`/api/kb/learn/...`): answers that were
likely wrong, and clusters editors dismissed. Thin handlers over `bot.editor.learn.doubtful` and
`bot.editor.learn.clusters`; roles as in the editor API (`bot.api.routes.editor`).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, Field

from bot.api.routes.editor import EditorDep, Reader, Writer, run
from bot.editor.learn import clusters, doubtful

router = APIRouter(prefix="/api/kb/learn", tags=["editor"])
Kind = Literal["unmatched", "doubtful"]


class DismissIn(BaseModel):
    """A cluster to dismiss: its label and every text in it."""

    kind: Kind
    label: str = Field(min_length=1, max_length=500)
    texts: list[str] = Field(min_length=1, max_length=clusters.MAX_TEXTS)


@router.get("/doubtful")
async def doubtful_answers(
    rt: EditorDep,
    _: Reader,
    days: Annotated[int | None, Query(ge=1, le=366)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> dict[str, Any]:
    """Answers followed within two turns by 👎, the same question asked again, or 转人工,
    clustered by the question answered and by meaning."""
    return await run(doubtful.doubtful, rt, days, limit)


@router.get("/dismissed")
async def dismissed(
    rt: EditorDep, _: Reader, kind: Kind, limit: Annotated[int, Query(ge=1, le=1000)] = 200
) -> list[dict[str, Any]]:
    """Texts dismissed from a list, newest first."""
    return await run(clusters.dismissed, rt, kind, limit)


@router.post("/dismissed")
async def dismiss(rt: EditorDep, user: Writer, body: DismissIn) -> dict[str, Any]:
    """Dismiss a cluster: its texts stay out of the list from now on."""
    return await run(clusters.dismiss, rt, user, body.kind, body.label, body.texts)


@router.delete("/dismissed/{dismissal_id}")
async def restore(
    rt: EditorDep, user: Writer, dismissal_id: Annotated[int, Path(ge=1, le=2**62)]
) -> dict[str, Any]:
    """Bring a dismissed cluster back into its list."""
    return await run(clusters.restore, rt, user, dismissal_id)

"""The supervisors' API and page: figures, drill-downs, exports, hot issues, alerts, work
orders and quality rules. Every route proves a staff role (supervisor or admin; engineers see
and work their own work orders)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from typing import Annotated, Any, Literal, TypeVar

from fastapi import APIRouter, Depends, HTTPException, Query
from fastapi.responses import FileResponse, Response, StreamingResponse
from pydantic import BaseModel, Field

from bot.analytics import drill, export
from bot.analytics.dashboard import dashboard
from bot.analytics.filters import Drill, Filters
from bot.analytics.hotspots import hotspots
from bot.analytics.service import Supervision
from bot.analytics.summary import summary
from bot.api.deps import ServicesDep, StaffUserClaims, audited, require_roles
from bot.api.routes.chat import STATIC
from bot.quality import board, workorders
from bot.quality.rules import RulesError
from bot.quality.workorders import WorkOrderError

router = APIRouter(tags=["supervisor"])
Supervisor = Annotated[StaffUserClaims, Depends(require_roles("supervisor"))]
Staff = Annotated[StaffUserClaims, Depends(require_roles("agent", "supervisor"))]
T = TypeVar("T")


def get_supervision(svc: ServicesDep) -> Supervision:
    """The running supervision service."""
    return svc.supervision


SupervisionDep = Annotated[Supervision, Depends(get_supervision)]


def get_filters(
    sup: SupervisionDep,
    from_: Annotated[date | None, Query(alias="from")] = None,
    to: date | None = None,
    channel: Annotated[str | None, Query(max_length=20)] = None,
    product_line: Annotated[str | None, Query(max_length=20)] = None,
    category: Annotated[str | None, Query(max_length=64)] = None,
    tier: Annotated[int | None, Query(ge=1, le=5)] = None,
    queue: Annotated[str | None, Query(max_length=40)] = None,
) -> Filters:
    """The range (default: today on the centre's clock) and the filters of a request."""
    today = sup.now().astimezone(sup.tz).date()
    start, end = from_ or to or today, to or from_ or today
    if end < start:
        raise HTTPException(422, detail={"code": "bad_range", "message": "结束日期早于开始日期"})
    if (end - start).days > 366:
        raise HTTPException(422, detail={"code": "bad_range", "message": "时间范围最长一年"})
    return Filters(
        start=start,
        end=end,
        channel=channel or None,
        product_line=product_line,
        category=category,
        tier=tier,
        queue=queue,
    )


FiltersDep = Annotated[Filters, Depends(get_filters)]
DrillDep = Annotated[Drill, Depends()]


async def _read(sup: Supervision, fn: Callable[..., T], *args: Any, **kw: Any) -> T:
    def run() -> T:
        with sup.db.session() as s:
            return fn(s, *args, **kw)

    return await asyncio.to_thread(run)


@contextmanager
def answered() -> Iterator[None]:
    """Work-order and rule errors as HTTP errors with their code."""
    try:
        yield
    except WorkOrderError as exc:
        raise HTTPException(exc.status, detail={"code": exc.code, "message": exc.message}) from exc
    except RulesError as exc:
        raise HTTPException(422, detail={"code": "bad_rules", "message": str(exc)}) from exc


@router.get("/supervisor", include_in_schema=False)
async def page() -> FileResponse:
    """The supervisors' dashboard page (`supervisor.js`)."""
    return FileResponse(STATIC / "supervisor.html", media_type="text/html")


@router.get("/api/analytics/summary")
async def get_summary(sup: SupervisionDep, f: FiltersDep, _: Supervisor) -> dict[str, Any]:
    """Headline figures of the range (definitions in `bot.analytics.summary`)."""
    return await _read(sup, summary, f, sup.conf, sup.tz)


@router.get("/api/analytics/dashboard")
async def get_dashboard(sup: SupervisionDep, f: FiltersDep, _: Supervisor) -> dict[str, Any]:
    """Everything the page's first view shows."""
    book = sup.rules.book()
    today = sup.now().astimezone(sup.tz).date()
    out = await _read(sup, dashboard, f, sup.conf, sup.tz, book, today)
    out["names"] = await asyncio.to_thread(sup.names)
    return out


@router.get("/api/analytics/contacts")
async def contacts(
    sup: SupervisionDep,
    f: FiltersDep,
    d: DrillDep,
    _: Supervisor,
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> dict[str, Any]:
    """The conversations (contacts) behind a point of a chart: `total` and a page of them."""
    return await _read(sup, drill.page, f, d, sup.conf, sup.tz, offset=offset, limit=limit)


@router.get("/api/analytics/contacts/{contact_id}")
async def contact(contact_id: int, sup: SupervisionDep, user: Supervisor) -> dict[str, Any]:
    """One contact with its messages."""
    out = await asyncio.to_thread(sup.contact, contact_id)
    if out is None:
        raise HTTPException(404, detail={"code": "no_contact", "message": "没有这个会话"})
    await audited(sup.db, user, "conversation.read", "conversation", f"contact:{contact_id}")
    return out


@router.get("/api/analytics/export.{fmt}")
async def export_rows(
    fmt: Literal["csv", "xlsx"], sup: SupervisionDep, f: FiltersDep, d: DrillDep, user: Supervisor
) -> Response:
    """The drill-down's conversations, one row each, as CSV or Excel."""
    name = f"kefu-{f.start.isoformat()}-{f.end.isoformat()}.{fmt}"
    disposition = {"Content-Disposition": f'attachment; filename="{name}"'}
    rows = await _read(sup, lambda s: list(drill.rows(s, f, d, sup.conf, sup.tz)))
    await audited(sup.db, user, "conversation.export", "conversation", "*", rows=len(rows))
    if fmt == "csv":
        return StreamingResponse(
            export.csv_chunks(rows), media_type="text/csv; charset=utf-8", headers=disposition
        )
    body = await asyncio.to_thread(export.xlsx_bytes, rows)
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return Response(body, media_type=xlsx, headers=disposition)


@router.get("/api/analytics/hotspots")
async def get_hotspots(sup: SupervisionDep, f: FiltersDep, _: Supervisor) -> list[dict[str, Any]]:
    """Complaint hot spots of the range, ranked."""
    return await _read(sup, hotspots, f, sup.tz)


# -- alerts ---------------------------------------------------------------------------------


class Review(BaseModel):
    """A reviewer's verdict on an alert."""

    verdict: Literal["confirmed", "false_alarm"]


@router.get("/api/alerts")
async def list_alerts(
    sup: SupervisionDep,
    _: Supervisor,
    kind: Literal["rule", "emotion", "spike"] | None = None,
    status: Literal["open", "closed"] | None = None,
    since: datetime | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[dict[str, Any]]:
    """Quality, emotion and spike alerts, newest first."""
    return await _read(sup, board.alerts, kind=kind, status=status, since=since, limit=limit)


@router.post("/api/alerts/{alert_id}/review")
async def review_alert(
    alert_id: int, body: Review, sup: SupervisionDep, user: Supervisor
) -> dict[str, Any]:
    """Mark an alert confirmed or a false alarm (each rule's precision is read from these)."""
    with answered():
        return await _read(sup, board.review, alert_id, body.verdict, user["username"], sup.now())


@router.post("/api/alerts/{alert_id}/workorder")
async def alert_to_order(alert_id: int, sup: SupervisionDep, user: Supervisor) -> dict[str, Any]:
    """Open a work order for an alert by hand (a spike, or a rule that opens none)."""
    with answered():
        return await asyncio.to_thread(sup.order_from_alert, alert_id, user["username"])


# -- work orders ------------------------------------------------------------------------------


class NewOrder(BaseModel):
    """A work order opened by hand."""

    summary: str = Field(min_length=1, max_length=2000)
    severity: str = Field("normal", max_length=12)
    source: Literal["hotspot", "customer_request", "alert", "spike"] = "customer_request"
    owner: str | None = Field(None, max_length=64)
    due_minutes: float | None = Field(None, gt=0, le=60 * 24 * 90)


class OrderAction(BaseModel):
    """What a state change needs: the owner (assign), a text (note, close), a cause (close)."""

    owner: str | None = Field(None, max_length=64)
    text: str = Field("", max_length=4000)
    cause: Literal[workorders.CAUSES] | None = None  # type: ignore[valid-type]


@router.get("/api/workorders")
async def list_orders(
    sup: SupervisionDep,
    user: Staff,
    status: str | None = Query(None, pattern="^(open|assigned|processing|closed|open_all)$"),
    source: str | None = Query(None, max_length=20),
    owner: str | None = Query(None, max_length=64),
    overdue: bool = False,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> list[dict[str, Any]]:
    """Work orders, open ones and the nearest deadline first (engineers: their own)."""
    if user["role"] == "agent":
        owner = user["username"]
    kw = {"status": status, "source": source, "owner": owner, "overdue": overdue, "limit": limit}
    return await _read(sup, board.list_orders, **kw)


@router.post("/api/workorders")
async def create_order(body: NewOrder, sup: SupervisionDep, user: Supervisor) -> dict[str, Any]:
    """Open a work order by hand."""
    with answered():
        return await asyncio.to_thread(sup.create_order, body.model_dump(), user["username"])


@router.get("/api/workorders/{order_id}")
async def get_order(order_id: int, sup: SupervisionDep, user: Staff) -> dict[str, Any]:
    """One work order with its notes."""
    with answered():
        out = await _read(sup, board.order, order_id)
    _may_see(user, out)
    return out


@router.post("/api/workorders/{order_id}/{action}")
async def act_on_order(
    order_id: int,
    action: Literal["assign", "start", "note", "close", "reopen"],
    sup: SupervisionDep,
    user: Staff,
    body: OrderAction | None = None,
) -> dict[str, Any]:
    """Change a work order: assign (owner), start, note (text), close (cause, text), reopen."""
    body = body or OrderAction(owner=None, text="", cause=None)
    with answered():
        current = await _read(sup, board.order, order_id)
        _may_see(user, current)
        if user["role"] == "agent" and action in ("assign", "reopen"):
            raise HTTPException(403, detail={"code": "not_supervisor", "message": "仅主管可操作"})
        return await asyncio.to_thread(
            sup.act, order_id, action, user["username"], body.model_dump()
        )


def _may_see(user: StaffUserClaims, order: dict[str, Any]) -> None:
    if user["role"] == "agent" and order.get("owner") != user["username"]:
        raise HTTPException(403, detail={"code": "not_yours", "message": "该工单不属于您"})


# -- quality rules ----------------------------------------------------------------------------


class RulesText(BaseModel):
    """The rules file's new text."""

    text: str = Field(min_length=1, max_length=200_000)


@router.get("/api/quality/rules")
async def get_rules(sup: SupervisionDep, _: Supervisor) -> dict[str, Any]:
    """The rules file (text and parsed) and each rule's precision."""
    with answered():
        book = sup.rules.book()
        return {
            "text": sup.rules.text(),
            **sup.rules.describe(),
            "precision": await _read(sup, board.precision, book),
        }


@router.put("/api/quality/rules")
async def put_rules(body: RulesText, sup: SupervisionDep, _: Supervisor) -> dict[str, Any]:
    """Check and save the rules; nothing changes when they are wrong (422 says why)."""
    with answered():
        await asyncio.to_thread(sup.rules.save, body.text)
    return {"text": sup.rules.text(), **sup.rules.describe()}

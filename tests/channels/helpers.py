"""Reading the live app's database in WeChat tests."""

from __future__ import annotations

from typing import Any

from sqlalchemy import create_engine, select

from bot.storage.models import Ticket, WechatInbound
from tests.e2e.helpers import stored_messages
from tests.polling import poll_until

__all__ = ["inbound_rows", "stored_messages", "tickets", "wait_state"]


def _rows(db_url: str, query: Any) -> list[dict[str, Any]]:
    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(query)]
    finally:
        engine.dispose()


def inbound_rows(db_url: str, openid: str) -> list[dict[str, Any]]:
    """The `wechat_inbound` rows of one user, oldest first."""
    table = WechatInbound.__table__
    return _rows(db_url, select(table).where(table.c.openid == openid).order_by(table.c.id))


def tickets(db_url: str, openid: str) -> list[dict[str, Any]]:
    """The tickets of one user."""
    table = Ticket.__table__
    return _rows(db_url, select(table).where(table.c.sender == openid).order_by(table.c.id))


def wait_state(db_url: str, openid: str, states: set[str], timeout_s: float = 60) -> list[str]:
    """Wait until every inbound row of the user is in one of `states`; their states."""
    return poll_until(
        lambda: [r["state"] for r in inbound_rows(db_url, openid)],
        lambda current: bool(current) and set(current) <= states,
        timeout_s,
        interval_s=0.1,
    )

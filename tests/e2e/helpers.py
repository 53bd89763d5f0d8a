"""Helpers for end-to-end tests: read the app's real database."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Page
from sqlalchemy import create_engine, select

from bot.storage.models import Conversation, Message


def stored_messages(db_url: str, sender: str) -> list[dict[str, Any]]:
    """Every stored message of a sender, oldest first."""
    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                select(
                    Message.id,
                    Message.direction,
                    Message.role,
                    Message.text,
                    Message.status,
                    Message.payload,
                )
                .join(Conversation, Conversation.id == Message.conversation_id)
                .where(Conversation.sender == sender)
                .order_by(Message.id)
            )
            return [dict(r._mapping) for r in rows]
    finally:
        engine.dispose()


def open_in_console(console: Page, sender: str) -> None:
    """Open a customer's conversation in the console, from whichever list shows it."""
    item = console.locator(f".list .item[data-sender='{sender}']")
    item.wait_for(state="attached")
    if console.locator(f"#list-queue .item[data-sender='{sender}']").count():
        console.click(".tab[data-tab='queue']")
    item.click()

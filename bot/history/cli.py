"""`bot history`: fill a database with weeks of generated history (for the dashboard)."""

from __future__ import annotations

import asyncio
import time

import typer
from rich.console import Console

from bot.config import get_settings

console = Console(stderr=True)


def history_command(
    days: int = typer.Option(30, min=1, max=120, help="days of history, ending yesterday"),
    per_day: int = typer.Option(60, min=1, max=5000, help="contacts on an average day"),
    seed: int = typer.Option(7, help="random seed: the same seed writes the same history"),
    if_empty: bool = typer.Option(False, help="do nothing when the database has conversations"),
) -> None:
    """Write generated customers' visits through the live service's code into KEFU_DB__URL."""
    from bot.history.generate import fill

    settings = get_settings()
    started = time.perf_counter()

    def progress(done: int, total: int) -> None:
        if done % 100 == 0 or done == total:
            console.print(f"  {done}/{total} visits ({time.perf_counter() - started:.0f} s)")

    written = asyncio.run(
        fill(settings, days, per_day, seed=seed, only_if_empty=if_empty, progress=progress)
    )
    if written is None:
        console.print("the database already has conversations: nothing written")
        return
    console.print(
        f"{written.visits} visits, {written.contacts} contacts, {written.messages} messages, "
        f"{written.handoffs} handoffs in {time.perf_counter() - started:.0f} s"
    )

"""The console socket's reads in the access audit: which handoffs and tickets an engineer's
console was sent (their customers' words, notes, ratings), once per connection each.

The snapshot on connect is one `handoff.list` entry with the ids it held; after that, the
first frame of a handoff or ticket not yet sent on this connection is one `handoff.read` /
`ticket.read` entry. Entries say `via: console`. A reconnect starts afresh (a new snapshot).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from bot.handoff.hub import Send
from bot.storage import audit
from bot.storage.db import Database

log = logging.getLogger(__name__)


class AuditedSend:
    """Wraps a console socket's `send`: records what each frame lets the engineer read.

    Args:
        send: the socket's send.
        db: the app database (`access_audit`).
        user: the console's claims (`username`, `role`).
    """

    def __init__(self, send: Send, db: Database, user: dict[str, str]) -> None:
        self._send = send
        self._db = db
        self._user = {"username": user["username"], "role": user["role"]}
        self._seen: set[tuple[str, int]] = set()

    async def __call__(self, frame: dict[str, Any]) -> None:
        new = [key for key in dict.fromkeys(_targets(frame)) if key not in self._seen]
        if new:
            self._seen.update(new)
            await self._record(frame.get("type") == "snapshot", new)
        await self._send(frame)

    async def _record(self, listing: bool, keys: list[tuple[str, int]]) -> None:
        rows: list[tuple[str, str, object, dict[str, Any]]] = []
        if listing:
            ids = [i for kind, i in keys if kind == "handoff"]
            rows.append(("handoff.list", "handoff", "*", {"ids": ids, "via": "console"}))
            keys = [k for k in keys if k[0] != "handoff"]
        rows += [(f"{kind}.read", kind, i, {"via": "console"}) for kind, i in keys]
        try:
            await asyncio.to_thread(self._write, rows)
        except Exception:  # noqa: BLE001 - a full audit table must not cut the console off
            log.exception("console reads of %s not audited", self._user["username"])

    def _write(self, rows: list[tuple[str, str, object, dict[str, Any]]]) -> None:
        with self._db.session() as s:
            for action, kind, target, detail in rows:
                s.add(audit.entry(audit.AccessAudit, self._user, action, kind, target, detail))


def _targets(frame: dict[str, Any]) -> list[tuple[str, int]]:
    """The handoffs and tickets whose customer data `frame` carries."""
    kind = frame.get("type")
    found: list[Any] = []
    if kind == "snapshot":
        found += [h.get("id") for h in frame.get("handoffs") or []]
        found += [h.get("id") for h in (frame.get("overview") or {}).get("flagged") or []]
    elif kind == "overview":
        found += [h.get("id") for h in (frame.get("overview") or {}).get("flagged") or []]
    elif kind == "handoff":
        found.append((frame.get("handoff") or {}).get("id"))
    elif kind in ("message", "note", "rating"):
        found.append(frame.get("handoff_id", frame.get("handoff")))
    out = [("handoff", i) for i in found if isinstance(i, int)]
    ticket = (frame.get("ticket") or {}).get("id") if kind == "ticket" else None
    return out + ([("ticket", ticket)] if isinstance(ticket, int) else [])

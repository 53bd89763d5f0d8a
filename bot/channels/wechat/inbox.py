"""The record of every WeChat callback: who answers it, and how the answer went out.

A row per MsgId (events: FromUserName + CreateTime) makes WeChat's retries land on the same
row in any process and after a restart. Its `state` moves from `processing` to exactly one of
`passive` (answered in the callback response), `async` -> `sent` / `ticket` / `failed`
(customer-service API), or `done` (nothing to answer). Conditional updates decide races.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import Select, select, update
from sqlalchemy.exc import IntegrityError

from bot.channels.wechat.protocol import Incoming
from bot.gateway.types import Outbound
from bot.storage import repository as repo
from bot.storage.db import Database
from bot.storage.models import WechatInbound, utcnow

# Orphans older than this are not answered any more: the customer-service window is 48 h.
RECOVERY_WINDOW = timedelta(hours=47)


@dataclass(frozen=True)
class Claim:
    """What to do with a callback: `new`, `taken` (over from a dead process), `mine`
    (already running here), `replay` (answered passively before) or `skip`."""

    outcome: str
    conversation_id: int | None = None
    message_id: int | None = None


class Inbox:
    """Claims and state changes of `wechat_inbound` rows of one account and process."""

    def __init__(self, db: Database, app_id: str, owner: str, lease_s: float) -> None:
        self.db = db
        self.app_id = app_id
        self.owner = owner
        self.lease_s = lease_s

    def claim(self, incoming: Incoming) -> Claim:
        """Record a callback, or find what became of its earlier deliveries."""
        now = time.time()
        try:
            with self.db.session() as s:
                s.add(
                    WechatInbound(
                        app_id=self.app_id,
                        msg_key=incoming.key,
                        openid=incoming.openid,
                        msg_type=incoming.kind[:40],
                        fields=incoming.fields,
                        state="processing",
                        owner=self.owner,
                        lease_until=now + self.lease_s,
                    )
                )
            return Claim("new")
        except IntegrityError:
            pass
        with self.db.session() as s:
            row = s.scalar(self._where(incoming.key))
            if row is None:  # pragma: no cover - the unique key said it exists
                return Claim("skip")
            if row.state == "passive":
                return Claim("replay", row.conversation_id, row.message_id)
            if row.state != "processing":  # under way or done through the API, or no answer
                return Claim("skip")
            if row.owner == self.owner:
                return Claim("mine")
        if self.take_over(incoming.key):
            return Claim("taken")
        # Alive in another process: WeChat retried, so it gave up on that request's reply;
        # ask the owner to deliver through the customer-service API instead.
        self._set(incoming.key, ("processing",), state="async", any_owner=True)
        return Claim("skip")

    def take_over(self, key: str) -> bool:
        """Become the owner of an unfinished row whose owner's lease ran out."""
        now = time.time()
        with self.db.session() as s:
            result = s.execute(
                update(WechatInbound)
                .where(
                    WechatInbound.app_id == self.app_id,
                    WechatInbound.msg_key == key,
                    WechatInbound.state.in_(("processing", "async")),
                    WechatInbound.lease_until < now,
                )
                .values(owner=self.owner, lease_until=now + self.lease_s)
            )
            return bool(result.rowcount == 1)  # type: ignore[attr-defined]

    def link(self, key: str, conversation_id: int | None, message_id: int | None) -> None:
        """Remember the stored user message of this callback."""
        with self.db.session() as s:
            s.execute(
                update(WechatInbound)
                .where(WechatInbound.app_id == self.app_id, WechatInbound.msg_key == key)
                .values(conversation_id=conversation_id, message_id=message_id)
            )

    def settle_passive(self, key: str) -> bool:
        """Claim the passive reply; False when the answer must go through the API."""
        return self._set(key, ("processing", "passive"), state="passive")

    def go_async(self, key: str) -> bool:
        """Claim delivery through the API; False when it was answered passively."""
        return self._set(key, ("processing", "async"), state="async", renew=True)

    def finish(self, key: str, state: str, deliveries: int = 0) -> None:
        """Final state after an API delivery (`sent`, `ticket`, `failed`) or `done`."""
        self._set(key, ("processing", "async"), state=state, deliveries=deliveries)

    def orphans(self, limit: int = 50) -> list[dict[str, object]]:
        """Unfinished rows whose owner's lease ran out (its process died)."""
        with self.db.session() as s:
            rows = s.scalars(
                select(WechatInbound)
                .where(
                    WechatInbound.app_id == self.app_id,
                    WechatInbound.state.in_(("processing", "async")),
                    WechatInbound.lease_until < time.time(),
                    WechatInbound.created_at > utcnow() - RECOVERY_WINDOW,
                )
                .order_by(WechatInbound.id)
                .limit(limit)
            )
            return [{"key": r.msg_key, "fields": dict(r.fields)} for r in rows]

    def stored_replies(self, claim: Claim) -> list[Outbound]:
        """The replies stored for the user message of a claim, in order."""
        if claim.conversation_id is None or claim.message_id is None:
            return []
        with self.db.session() as s:
            return [
                Outbound.stored(m)
                for m in repo.replies_to(s, claim.conversation_id, claim.message_id)
            ]

    def _where(self, key: str) -> Select[WechatInbound]:
        return select(WechatInbound).where(
            WechatInbound.app_id == self.app_id, WechatInbound.msg_key == key
        )

    def _set(
        self,
        key: str,
        states: tuple[str, ...],
        *,
        any_owner: bool = False,
        renew: bool = False,
        **values: object,
    ) -> bool:
        conditions = [
            WechatInbound.app_id == self.app_id,
            WechatInbound.msg_key == key,
            WechatInbound.state.in_(states),
        ]
        if not any_owner:
            conditions.append(WechatInbound.owner == self.owner)
        if renew:
            values["lease_until"] = time.time() + self.lease_s
        with self.db.session() as s:
            result = s.execute(update(WechatInbound).where(*conditions).values(**values))
            return bool(result.rowcount == 1)  # type: ignore[attr-defined]

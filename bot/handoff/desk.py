"""What engineers do with a conversation: accept, write, note, transfer, return, close.

Each action runs in one transaction and returns the frames to send after it commits. Only the
engineer holding a conversation (or a supervisor) acts on it; races between two engineers are
settled by conditional updates (`store.claim`).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from bot.handoff import store
from bot.handoff.access import check_handoff, check_target
from bot.handoff.effects import Effects
from bot.handoff.errors import HandoffError
from bot.handoff.notices import rating_buttons, say
from bot.handoff.views import message_view
from bot.storage.models import Conversation, Handoff
from bot.texts import Texts

SUPERVISORS = ("supervisor", "admin")


class Desk:
    """Engineer actions on handoffs.

    Args:
        session: the open session (the caller commits).
        texts: customer texts.
        user: the acting staff username.
        role: their role (agent, supervisor, admin).
        now: epoch seconds.
        overflow_s: after this long waiting, any engineer may take a conversation.
    """

    def __init__(
        self,
        session: Session,
        texts: Texts,
        user: str,
        role: str,
        now: float,
        overflow_s: float = float("inf"),
    ) -> None:
        self.s = session
        self.texts = texts
        self.user = user
        self.role = role
        self.when = datetime.fromtimestamp(now, UTC)
        self.overflow_s = overflow_s
        self.names = store.display_names(session)

    @property
    def me(self) -> str:
        """The acting engineer's display name."""
        return self.names.get(self.user, self.user)

    def accept(self, handoff_id: int, *, takeover: bool = False) -> Effects:
        """Take a waiting conversation (or, as a supervisor, any live one)."""
        h = self._get(handoff_id)
        if takeover:
            if self.role not in SUPERVISORS:
                raise HandoffError(403, "not_supervisor", "只有主管可以接管会话")
            allowed: tuple[str, ...] = store.LIVE
        elif h.status == "offered" and h.agent not in (self.user, None):
            raise HandoffError(409, "offered_to_other", "该会话已分配给其他工程师")
        else:
            if h.status in store.WAITING:
                self._check(h)  # a queue the engineer serves (or waited past overflow)
            allowed = store.WAITING
        previous = h.agent
        values = {"status": "active", "agent": self.user, "accepted_at": self.when}
        if not store.claim(self.s, h.id, allowed, **values):
            raise HandoffError(409, "taken", "该会话已被接入或已结束")
        self.s.refresh(h)
        conv = self._conv(h)
        conv.route = "agent"
        store.touch_assigned(self.s, self.user, self.when)
        kind = "taken_over" if takeover else "accepted"
        store.add_event(self.s, h, kind, self.user, previous=previous)
        text = self.texts.get("handoff_accepted", agent=self.me)
        _, tell = say(self.s, conv, text, frame={"mode": "agent", "name": self.me})
        return Effects(handoffs=[h.id], tells=[tell], dispatch=takeover)

    def send(
        self,
        handoff_id: int,
        text: str,
        link: dict[str, str] | None = None,
        attachment: dict[str, Any] | None = None,
    ) -> Effects:
        """Write to the customer (a link card with `link`: {title, url}; a picture or file
        kept by `bot.media` with `attachment`)."""
        h = self._held(handoff_id)
        conv = self._conv(h)
        links = [link] if link else []
        words = text.strip() or (link or {}).get("title", "")
        extra = {"attachment": attachment} if attachment else {}
        msg, tell = say(
            self.s,
            conv,
            words,
            role="agent",
            frame={"name": self.me, "links": links, **extra},
            payload={
                "agent": self.user,
                "agent_name": self.me,
                "custom": {"links": links},
                **extra,
            },
        )
        tell.attachment = attachment
        if link:  # text channels get the link in the words
            tell.text = f"{words}\n{link['title']}：{link['url']}" if text.strip() else link["url"]
        frame = {"type": "message", "handoff_id": h.id, "message": dict(message_view(msg))}
        return Effects(console=[frame], tells=[tell])

    def note(self, handoff_id: int, text: str) -> Effects:
        """An internal note, for engineers only: on their own handoffs or those open to them."""
        h = self._get(handoff_id)
        self._check(h)
        store.add_event(self.s, h, "note", self.user, text=text)
        note = {"by": self.user, "name": self.me, "text": text, "at": self.when.isoformat()}
        return Effects(console=[{"type": "note", "handoff_id": h.id, "note": note}])

    def transfer(
        self, handoff_id: int, *, queue: str | None, agent: str | None, note: str
    ) -> Effects:
        """Hand the conversation to another queue or engineer, with a note for them."""
        h = self._held(handoff_id, waiting_ok=True)
        if agent is not None:
            check_target(self.s, agent, list(h.skills or []))
            values: dict[str, Any] = {"status": "offered", "agent": agent, "offered_at": self.when}
        else:
            skills = [queue, *(s for s in h.skills or [] if s != queue)] if queue else h.skills
            values = {"status": "queued", "agent": None, "offered_at": None}
            values |= {"skills": skills, "queue": queue or h.queue}
        if not store.claim(self.s, h.id, store.LIVE, **values):
            raise HandoffError(409, "taken", "该会话状态已变化")
        self.s.refresh(h)
        declined = [*((h.context or {}).get("declined") or []), self.user]
        h.context = {**(h.context or {}), "declined": declined}
        self._conv(h).route = "queue"
        store.add_event(self.s, h, "transferred", self.user, queue=queue, agent=agent, note=note)
        _, tell = say(self.s, self._conv(h), self.texts.get("handoff_transferred"))
        return Effects(handoffs=[h.id], tells=[tell], dispatch=True)

    def return_to_bot(self, handoff_id: int) -> Effects:
        """End the engineer's part; the bot answers again."""
        h = self._held(handoff_id, waiting_ok=True)
        if not store.claim(self.s, h.id, store.LIVE, status="returned", ended_at=self.when):
            raise HandoffError(409, "taken", "该会话状态已变化")
        self.s.refresh(h)
        conv = self._conv(h)
        conv.route = "bot"
        store.add_event(self.s, h, "returned", self.user)
        _, tell = say(self.s, conv, self.texts.get("handoff_returned"), frame={"mode": "bot"})
        return Effects(handoffs=[h.id], tells=[tell], dispatch=True)

    def close(self, handoff_id: int) -> Effects:
        """Close the conversation and ask the customer for a rating."""
        h = self._held(handoff_id)
        if not store.claim(self.s, h.id, ("active",), status="closed", ended_at=self.when):
            raise HandoffError(409, "taken", "该会话状态已变化")
        self.s.refresh(h)
        conv = self._conv(h)
        store.add_event(self.s, h, "closed", self.user)
        name = self.names.get(h.agent or "", self.me)
        text = self.texts.get("handoff_closed", agent=name)
        buttons = rating_buttons(self.texts, h.id)
        frame = {"type": "rating", "handoff": h.id, "mode": "bot", "agent": name}
        _, tell = say(self.s, conv, text, buttons=buttons, frame=frame)
        conv.route, conv.status = "bot", "closed"
        return Effects(handoffs=[h.id], tells=[tell], dispatch=True)

    # -- internals -----------------------------------------------------------------------

    def _get(self, handoff_id: int) -> Handoff:
        h = self.s.get(Handoff, handoff_id)
        if h is None:
            raise HandoffError(404, "no_handoff", f"没有会话 {handoff_id}")
        return h

    def _held(self, handoff_id: int, *, waiting_ok: bool = False) -> Handoff:
        """A handoff the acting user may act on: theirs, or any for a supervisor."""
        h = self._get(handoff_id)
        live = store.LIVE if waiting_ok else ("active",)
        if h.status not in live:
            raise HandoffError(409, "not_live", "该会话已结束或尚未接入")
        if waiting_ok:
            self._check(h)
        elif h.agent != self.user and self.role not in SUPERVISORS:
            raise HandoffError(403, "not_yours", "该会话由其他工程师负责")
        return h

    def _check(self, h: Handoff) -> None:
        check_handoff(self.s, self.user, self.role, h, now=self.when, overflow_s=self.overflow_s)

    def _conv(self, h: Handoff) -> Conversation:
        conv = self.s.get(Conversation, h.conversation_id)
        assert conv is not None
        return conv

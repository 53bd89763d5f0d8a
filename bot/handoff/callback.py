"""Call-back booking (预约回电): the customer leaves a phone number and a time slot, and an
engineer calls them then.

A booking is a ticket of kind `callback` (the work-order list engineers already work from),
due at the slot's start. Its phone number is kept in the ticket's context, which only staff
read (`/api/tickets`); the customer is told the number masked.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.config import HandoffSettings
from bot.gateway.types import Button
from bot.handoff.effects import Effects, Tell
from bot.handoff.errors import HandoffError
from bot.handoff.hours import ServiceHours
from bot.handoff.notices import say
from bot.handoff.tickets import open_ticket, ticket_no, ticket_view
from bot.handoff.views import iso
from bot.storage import repository as repo
from bot.storage.models import Ticket
from bot.texts import Texts

OFFER_PAYLOAD = "/kefu_callback"  # the offer button: a form on the chat page, a text flow else
SLOT_PAYLOAD = "/kefu_callback_slot"  # + {"start": ...}: one time slot picked
NOTE_MAX_CHARS = 200
_WEEKDAYS = "一二三四五六日"
_MOBILE = re.compile(r"(?:\+?86|0086)?(1[3-9]\d{9})")
_AREA = r"0(?:[12]\d|[3-9]\d{2})"  # 010, 02x: three digits; the others four
_LANDLINE = re.compile(rf"({_AREA})-?([2-9]\d{{6,7}})(?:-(\d{{1,6}}))?")
_SEPARATORS = re.compile(r"[\s()（）—–]")
_NUMBER_RUN = re.compile(r"[+(（]?\d[\d\s\-()（）转]*\d")


@dataclass(frozen=True)
class Slot:
    """One call-back time slot (aware datetimes in the service centre's zone)."""

    start: datetime
    end: datetime

    @property
    def key(self) -> str:
        """How a slot is named on the wire, e.g. ``2026-12-08T10:00:00+08:00``."""
        return self.start.isoformat()


def callback_hours(conf: HandoffSettings) -> ServiceHours:
    """The hours engineers call back in: `callback_hours`, else the service hours."""
    if conf.callback_hours:
        return ServiceHours(conf.model_copy(update={"hours": conf.callback_hours}))
    return ServiceHours(conf)


def next_slots(conf: HandoffSettings, now: datetime) -> list[Slot]:
    """The next `callback_slots` whole slots inside the call-back hours, starting at least
    `callback_lead_minutes` after `now`."""
    hours = callback_hours(conf)
    step = timedelta(minutes=conf.callback_slot_minutes)
    earliest = (now + timedelta(minutes=conf.callback_lead_minutes)).astimezone(hours.zone)
    found: list[Slot] = []
    for offset in range(15):
        day = earliest.date() + timedelta(days=offset)
        if day.isoweekday() not in hours.days:
            continue
        midnight = datetime.combine(day, time(0, 0), hours.zone)
        for span in sorted(hours.spans, key=lambda s: s.start):
            start = midnight + timedelta(minutes=span.start)
            while start + step <= midnight + timedelta(minutes=span.end):
                if start >= earliest:
                    found.append(Slot(start, start + step))
                    if len(found) >= conf.callback_slots:
                        return found
                start += step
    return found


def slot_label(slot: Slot, now: datetime) -> str:
    """How the customer reads a slot: 今天 14:00-15:00, 明天 09:00-10:00, 12月10日（周四）…"""
    local_now = now.astimezone(slot.start.tzinfo)
    days = (slot.start.date() - local_now.date()).days
    hm = f"{slot.start:%H:%M}-{slot.end:%H:%M}"
    if days == 0:
        return f"今天 {hm}"
    if days == 1:
        return f"明天 {hm}"
    return f"{slot.start.month}月{slot.start.day}日（周{_WEEKDAYS[slot.start.weekday()]}）{hm}"


def normalize_phone(raw: str) -> str | None:
    """A mainland mobile (``13812345678``) or landline with area code (``010-62345678``,
    extension ``-801``) in one standard form; None when `raw` is neither."""
    text = _SEPARATORS.sub("", unicodedata.normalize("NFKC", raw or "")).replace("转", "-")
    mobile = _MOBILE.fullmatch(text.replace("-", ""))
    if mobile:
        return mobile.group(1)
    landline = _LANDLINE.fullmatch(text) or _LANDLINE.fullmatch(text.replace("-", ""))
    if landline:
        area, number, ext = landline.groups()
        return f"{area}-{number}" + (f"-{ext}" if ext else "")
    return None


def find_phone(text: str) -> str | None:
    """The first mainland phone number written in a message (「我的电话 138 1234 5678」)."""
    plain = unicodedata.normalize("NFKC", text or "")
    for run in _NUMBER_RUN.finditer(plain):
        found = normalize_phone(run.group(0))
        if found is not None:
            return found
    return None


def mask(phone: str) -> str:
    """What the customer is shown of their number: ``138****5678``, ``010-****5678``."""
    if "-" in phone:
        area, number = phone.split("-")[:2]
        return f"{area}-****{number[-4:]}"
    return f"{phone[:3]}****{phone[-4:]}"


def mentions(text: str | None, links: Sequence[dict[str, Any]], conf: HandoffSettings) -> bool:
    """Whether an answer offers a call-back (its text or a link names one of the mentions)."""
    if not conf.callback:
        return False
    said = [text or "", *(str(link.get("title") or "") for link in links)]
    return any(word and word in part for word in conf.callback_mentions for part in said)


def offer_button(texts: Texts) -> Button:
    """The 预约回电 button."""
    return Button(title=texts.get("callback_button"), payload=OFFER_PAYLOAD)


def offer_buttons(texts: Texts, conf: HandoffSettings) -> list[Button]:
    """The offer as a list of buttons: none when call-back booking is switched off."""
    return [offer_button(texts)] if conf.callback else []


def without_offered_links(
    links: list[dict[str, Any]], conf: HandoffSettings
) -> list[dict[str, Any]]:
    """The answer's links less those to a call-back page: the chat books it itself."""
    return [
        x for x in links if not any(w in str(x.get("title") or "") for w in conf.callback_mentions)
    ]


def slot_of(key: str, conf: HandoffSettings, now: datetime) -> Slot:
    """The offered slot named `key` (raises `HandoffError` when it is not, or no longer, one)."""
    for slot in next_slots(conf, now):
        if slot.key == key:
            return slot
    raise HandoffError(422, "bad_slot", "")


@dataclass
class Booking:
    """A stored booking: its ticket, the confirmation (stored, to deliver) and console frames."""

    ticket: Ticket
    tell: Tell
    effects: Effects


def book(
    session: Session,
    channel: str,
    sender: str,
    *,
    phone: str,
    slot: Slot,
    note: str,
    texts: Texts,
    now: datetime,
    reply_to: int | None = None,
) -> Booking:
    """Book (or move) the customer's call-back: one open call-back ticket per conversation."""
    conv = repo.open_conversation(session, channel, sender)
    label = slot_label(slot, now)
    details = {
        "phone": phone,
        "start": slot.start.isoformat(),
        "end": slot.end.isoformat(),
        "label": f"{slot.start.month}月{slot.start.day}日 {slot.start:%H:%M}-{slot.end:%H:%M}",
        "note": note.strip()[:NOTE_MAX_CHARS],
    }
    summary = f"预约回电 {details['label']}" + (f"：{details['note']}" if details["note"] else "")
    ticket = session.scalar(
        select(Ticket).where(
            Ticket.conversation_id == conv.id, Ticket.kind == "callback", Ticket.status != "closed"
        )
    )
    if ticket is None:
        ticket = open_ticket(
            session,
            channel=channel,
            sender=sender,
            kind="callback",
            summary=summary,
            conversation_id=conv.id,
        )
    ticket.summary = summary
    ticket.context = {"why": "callback", "callback": details, "due_at": iso(slot.start)}
    # As a work order: reminded before, escalated when overdue. Stored in UTC (SQLite keeps
    # no offset).
    ticket.due_at = slot.start.astimezone(UTC)
    session.flush()
    text = texts.get("callback_booked", ticket=ticket_no(ticket.id), slot=label, phone=mask(phone))
    _, tell = say(session, conv, text, role="bot", reply_to=reply_to, payload={"callback": {}})
    effects = Effects(console=[{"type": "ticket", "ticket": ticket_view(ticket)}])
    return Booking(ticket, tell, effects)

"""Service hours: when engineers take conversations, and when a ticket will be answered."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.config import HandoffSettings

_DAY_NAMES = "一二三四五六日"


@dataclass(frozen=True)
class Span:
    """One opening span of a day, minutes after midnight (end 1440 = midnight)."""

    start: int
    end: int


class ServiceHours:
    """Opening hours in the service centre's time zone.

    Args:
        settings: `hours` ("09:00-12:00,13:00-21:00"), `days` (ISO weekdays) and `timezone`.
    """

    def __init__(self, settings: HandoffSettings) -> None:
        self.zone = ZoneInfo(settings.timezone)
        self.days = frozenset(settings.days)
        self.spans = [_span(part) for part in settings.hours.split(",")]
        self.ticket_hours = settings.ticket_hours

    @property
    def always(self) -> bool:
        """Open around the clock, every day."""
        return len(self.days) == 7 and any(s.start == 0 and s.end >= 1440 for s in self.spans)

    def is_open(self, now: datetime) -> bool:
        """Whether engineers are on duty at `now` (aware datetime)."""
        local = now.astimezone(self.zone)
        if local.isoweekday() not in self.days:
            return False
        minute = local.hour * 60 + local.minute
        return any(s.start <= minute < s.end for s in self.spans)

    def next_open(self, now: datetime) -> datetime:
        """`now` when open, else the start of the next opening span."""
        if self.is_open(now):
            return now
        local = now.astimezone(self.zone)
        for offset in range(8):
            day = (local + timedelta(days=offset)).date()
            if day.isoweekday() not in self.days:
                continue
            for span in sorted(self.spans, key=lambda s: s.start):
                start = datetime.combine(day, time(span.start // 60, span.start % 60), self.zone)
                if start > local:
                    return start
        return now  # no opening at all: promise from now on

    def ticket_due(self, now: datetime) -> datetime:
        """When a ticket written at `now` will be answered: after `ticket_hours` of service
        time (only open hours count: a Friday-night ticket is due Monday)."""
        remaining = self.ticket_hours * 60.0
        local = self.next_open(now).astimezone(self.zone)
        for _ in range(1000):
            span = self._span_at(local)
            if span is None:  # no opening at all
                break
            midnight = datetime.combine(local.date(), time(0, 0), self.zone)
            end = midnight + timedelta(minutes=span.end)
            available = (end - local).total_seconds() / 60
            if available >= remaining:
                return local + timedelta(minutes=remaining)
            remaining -= available
            local = self.next_open(end).astimezone(self.zone)
        return now + timedelta(minutes=remaining)

    def _span_at(self, local: datetime) -> Span | None:
        minute = local.hour * 60 + local.minute
        return next((s for s in self.spans if s.start <= minute < s.end), None)

    def describe(self) -> str:
        """In Chinese, e.g. ``周一至周五 09:00-21:00``."""
        spans = "、".join(f"{_hm(s.start)}-{_hm(s.end)}" for s in self.spans)
        days = sorted(self.days)
        if len(days) == 7:
            return f"每天 {spans}"
        if days == list(range(days[0], days[-1] + 1)):
            return f"周{_DAY_NAMES[days[0] - 1]}至周{_DAY_NAMES[days[-1] - 1]} {spans}"
        return "周" + "、".join(_DAY_NAMES[d - 1] for d in days) + f" {spans}"

    def local_text(self, when: datetime) -> str:
        """A promise time the customer reads, e.g. ``11月24日 10:00``."""
        local = when.astimezone(self.zone)
        return f"{local.month}月{local.day}日 {local.hour:02d}:{local.minute:02d}"


def _span(text: str) -> Span:
    start, end = text.split("-")
    span = Span(_minutes(start), _minutes(end))
    if not 0 <= span.start < span.end <= 1440:
        raise ValueError(f"bad service hours {text!r}: start must be before end, within a day")
    return span


def _minutes(hhmm: str) -> int:
    hours, minutes = hhmm.split(":")
    return int(hours) * 60 + int(minutes)


def _hm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"

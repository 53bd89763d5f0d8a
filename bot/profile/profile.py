"""The customer profile the dialogue and the tier policy see: identity, devices, behaviour, tags.

Tag names are the ones answer variants select on (`bot.knowledge.schema.KNOWN_TAGS` plus
``owner_<line>``): ``member_normal|silver|gold|black``, ``enterprise``, ``in_warranty`` /
``out_of_warranty`` and ``owner_<product line>``.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from bot.profile.records import LEVEL_NAMES, CustomerRecord, DeviceRecord

IdentifiedBy = Literal["token", "binding", "crm", "anonymous"]
HIGH_VALUE_TAGS = frozenset({"member_gold", "member_black", "enterprise"})
# Accessories do not decide the customer's warranty state or entry menu.
_MAIN_LINES = ("raptor", "book", "desktop", "phone", "pad")


class Behaviour(BaseModel):
    """What the customer did lately (CRM history plus what the app saw itself)."""

    model_config = ConfigDict(frozen=True)

    orders_30d: int = 0  # mall orders placed in the last 30 days
    contacts_7d: int = 0  # days with a service contact in the last 7 days (this one excluded)
    handoffs: int = 0  # earlier conversations handed to an engineer
    complaints: int = 0  # complaints in the last 12 months
    unresolved_tickets: int = 0  # service tickets still open


class CustomerProfile(BaseModel):
    """Who is asking. An unknown visitor is a profile with `identified_by="anonymous"`."""

    model_config = ConfigDict(frozen=True)

    customer_id: int | None = None  # app database id
    member_id: str | None = None
    name: str | None = None
    honorific: str | None = None  # 王先生 / 李女士, for greetings
    phone_masked: str | None = None  # 138****5678
    member_level: str | None = None  # normal | silver | gold | black
    enterprise: str | None = None
    devices: list[DeviceRecord] = []
    behaviour: Behaviour = Behaviour()
    identified_by: IdentifiedBy = "anonymous"
    today: date | None = None  # the day warranty tags were computed for
    tags: list[str] = []

    @property
    def identified(self) -> bool:
        """Whether the customer is known (not an anonymous visitor)."""
        return self.identified_by != "anonymous"

    @property
    def high_value(self) -> bool:
        """Gold or black-diamond member, or enterprise customer."""
        return bool(HIGH_VALUE_TAGS & set(self.tags))

    @property
    def product_lines(self) -> list[str]:
        """Product lines the customer owns, main devices first."""
        lines = [d.line for d in _by_priority(self.devices)]
        return list(dict.fromkeys(lines))

    def device_for(self, line: str | None = None, model: str | None = None) -> DeviceRecord | None:
        """The device a message is about: by model, else by line, else the primary device."""
        if model:
            for d in self.devices:
                if d.model.lower() == model.lower() or d.model.lower().startswith(model.lower()):
                    return d
        ranked = _by_priority(self.devices)
        if line:
            ranked = [d for d in ranked if d.line == line]
        return ranked[0] if ranked else None

    def tags_for(self, line: str | None = None, model: str | None = None) -> list[str]:
        """The tags with the warranty state of the device in question (see `device_for`)."""
        base = [t for t in self.tags if t not in ("in_warranty", "out_of_warranty")]
        device = self.device_for(line, model)
        state = warranty_tag(device, self.today or date.today()) if device else None
        return base + [state] if state else base

    def summary(self) -> dict[str, Any]:
        """A JSON-ready summary for the context package and decision records."""
        return self.model_dump(mode="json", exclude={"today"})


def warranty_tag(device: DeviceRecord, today: date) -> str | None:
    """``in_warranty`` / ``out_of_warranty`` for one device, None when its warranty is unknown."""
    if device.warranty_until is None:
        return None
    return "in_warranty" if device.warranty_until >= today else "out_of_warranty"


def _by_priority(devices: list[DeviceRecord]) -> list[DeviceRecord]:
    # Main devices before accessories, the newest purchase first.
    def key(d: DeviceRecord) -> tuple[int, int]:
        main = 0 if d.line in _MAIN_LINES else 1
        return main, -(d.purchased_on.toordinal() if d.purchased_on else 0)

    return sorted(devices, key=key)


def build_profile(
    record: CustomerRecord,
    *,
    today: date,
    customer_id: int | None = None,
    identified_by: IdentifiedBy = "crm",
    seen: Behaviour | None = None,
) -> CustomerProfile:
    """Build a profile from a CRM record.

    Args:
        record: the CRM record.
        today: the day to compute warranty and recency for.
        customer_id: the app database id, when the customer is stored there.
        identified_by: how the customer was recognised.
        seen: what the app database saw itself (contacts, handoffs); the larger count wins,
            since the CRM and the app may both have recorded the same contact.
    """
    since_30 = today - timedelta(days=30)
    since_7 = today - timedelta(days=7)
    crm = Behaviour(
        orders_30d=sum(1 for o in record.orders if o.placed_at.date() >= since_30),
        contacts_7d=len({d for d in record.history.contacts if since_7 <= d < today}),
        handoffs=record.history.handoffs,
        complaints=record.history.complaints,
        unresolved_tickets=record.history.unresolved_tickets,
    )
    behaviour = _merge(crm, seen) if seen else crm
    tags = [f"member_{record.member_level}"]
    if record.enterprise:
        tags.append("enterprise")
    primary = _by_priority(record.devices)[0] if record.devices else None
    state = warranty_tag(primary, today) if primary else None
    if state:
        tags.append(state)
    tags += [f"owner_{line}" for line in dict.fromkeys(d.line for d in record.devices)]
    return CustomerProfile(
        customer_id=customer_id,
        member_id=record.member_id,
        name=record.name,
        honorific=_honorific(record),
        phone_masked=mask_phone(record.phone),
        member_level=record.member_level,
        enterprise=record.enterprise,
        devices=list(record.devices),
        behaviour=behaviour,
        identified_by=identified_by,
        today=today,
        tags=tags,
    )


def anonymous_profile(
    customer_id: int | None = None, seen: Behaviour | None = None
) -> CustomerProfile:
    """The profile of a visitor nobody knows yet: no tags."""
    return CustomerProfile(customer_id=customer_id, behaviour=seen or Behaviour())


def member_label(level: str | None) -> str:
    """``gold`` -> ``金卡会员``."""
    return f"{LEVEL_NAMES.get(level or 'normal', '普通')}会员"


def mask_phone(phone: str | None) -> str | None:
    """``13812345678`` -> ``138****5678``."""
    if not phone or len(phone) < 7:
        return phone
    return f"{phone[:3]}****{phone[-4:]}"


def _honorific(record: CustomerRecord) -> str | None:
    if not record.name:
        return None
    title = {"M": "先生", "F": "女士"}.get(record.gender or "")
    return f"{record.name[0]}{title}" if title else record.name


def _merge(a: Behaviour, b: Behaviour) -> Behaviour:
    return Behaviour(**{k: max(getattr(a, k), getattr(b, k)) for k in Behaviour.model_fields})

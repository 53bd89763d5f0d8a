"""Customer records in the app database: upsert from a CRM record, read back, link identities."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from bot.profile.profile import Behaviour
from bot.profile.records import CustomerRecord, DeviceRecord, HistoryRecord, OrderRecord
from bot.storage.models import (
    ChannelIdentity,
    Conversation,
    Customer,
    CustomerDevice,
    CustomerOrder,
    TierDecisionRecord,
)


def find_customer(
    session: Session,
    *,
    member_id: str | None = None,
    phone: str | None = None,
    customer_id: int | None = None,
) -> Customer | None:
    """A stored customer by member id, phone or database id (the first given that is set)."""
    if member_id:
        return session.scalar(select(Customer).where(Customer.external_ref == member_id))
    if phone:
        return session.scalar(
            select(Customer).where(Customer.phone == phone).order_by(Customer.id).limit(1)
        )
    if customer_id is not None:
        return session.get(Customer, customer_id)
    return None


def upsert_record(session: Session, record: CustomerRecord, source: str = "crm") -> Customer:
    """Store `record` (insert or replace by member id), devices and orders included."""
    customer = find_customer(session, member_id=record.member_id)
    profile: dict[str, Any] = {
        "source": source,
        "gender": record.gender,
        "member_level": record.member_level,
        "enterprise": record.enterprise,
        "history": record.history.model_dump(mode="json"),
    }
    new = customer is None
    if customer is None:
        customer = Customer(external_ref=record.member_id)
        session.add(customer)
    customer.name = record.name
    customer.phone = record.phone
    customer.profile = profile
    session.flush()
    numbers = [o.order_no for o in record.orders]
    if not new:
        session.execute(delete(CustomerDevice).where(CustomerDevice.customer_id == customer.id))
    if not new or numbers:
        # An order number is unique: one that moved to this customer leaves the other.
        session.execute(
            delete(CustomerOrder).where(
                (CustomerOrder.customer_id == customer.id) | CustomerOrder.order_no.in_(numbers)
            )
        )
    session.add_all(
        CustomerDevice(customer_id=customer.id, **d.model_dump()) for d in record.devices
    )
    session.add_all(CustomerOrder(customer_id=customer.id, **o.model_dump()) for o in record.orders)
    session.flush()
    return customer


def load_record(session: Session, customer: Customer) -> CustomerRecord | None:
    """The CRM record of a stored customer; None for an anonymous visitor."""
    if not customer.external_ref:
        return None
    data = customer.profile or {}
    devices = session.scalars(
        select(CustomerDevice).where(CustomerDevice.customer_id == customer.id)
    )
    orders = session.scalars(select(CustomerOrder).where(CustomerOrder.customer_id == customer.id))
    return CustomerRecord(
        member_id=customer.external_ref,
        name=customer.name,
        gender=data.get("gender"),
        phone=customer.phone,
        member_level=data.get("member_level") or "normal",
        enterprise=data.get("enterprise"),
        devices=[DeviceRecord.model_validate(d, from_attributes=True) for d in devices],
        orders=[OrderRecord.model_validate(o, from_attributes=True) for o in orders],
        history=HistoryRecord.model_validate(data.get("history") or {}),
    )


def link_identity(session: Session, channel: str, sender: str, customer: Customer) -> None:
    """Make the channel user (`channel`, `sender`) belong to `customer`.

    What the channel user did as an anonymous visitor (their conversations) moves with them,
    so history and tags follow the customer across channels.
    """
    identity = session.scalar(
        select(ChannelIdentity).where(
            ChannelIdentity.channel == channel, ChannelIdentity.sender == sender
        )
    )
    if identity is None:
        session.add(ChannelIdentity(channel=channel, sender=sender, customer_id=customer.id))
        session.flush()
        return
    if identity.customer_id == customer.id:
        return
    previous = session.get(Customer, identity.customer_id)
    identity.customer_id = customer.id
    if previous is not None and not previous.external_ref:
        session.execute(
            update(Conversation)
            .where(Conversation.customer_id == previous.id)
            .values(customer_id=customer.id)
        )
    session.flush()


def identity_of(session: Session, channel: str, sender: str) -> ChannelIdentity | None:
    """The stored channel user, if any."""
    return session.scalar(
        select(ChannelIdentity).where(
            ChannelIdentity.channel == channel, ChannelIdentity.sender == sender
        )
    )


def seen_behaviour(session: Session, customer_id: int, today: date) -> Behaviour:
    """What the app itself saw of a customer: contacts in the last 7 days, handoffs, complaints.

    Today's conversations are not counted as earlier contacts.
    """
    start_7 = datetime.combine(today - timedelta(days=7), time.min, tzinfo=UTC)
    start_today = datetime.combine(today, time.min, tzinfo=UTC)
    started = session.scalars(
        select(Conversation.started_at).where(
            Conversation.customer_id == customer_id,
            Conversation.started_at >= start_7,
            Conversation.started_at < start_today,
        )
    )
    contact_days = {d.date() for d in started}
    queued = func.count(func.distinct(TierDecisionRecord.conversation_id))
    handoffs = session.scalar(
        select(queued).where(
            TierDecisionRecord.customer_id == customer_id,
            TierDecisionRecord.route.like("queue:%"),
        )
    )
    complaints = session.scalar(
        select(queued).where(
            TierDecisionRecord.customer_id == customer_id,
            TierDecisionRecord.tier == 5,
            TierDecisionRecord.created_at >= start_today - timedelta(days=365),
        )
    )
    return Behaviour(
        contacts_7d=len(contact_days), handoffs=handoffs or 0, complaints=complaints or 0
    )

"""The CRM exchange format: one customer record as a CRM (or the sample file) delivers it.

The same shape is read from `knowledge/sample_customers.yml`, returned by the HTTP CRM adapter
(``GET {KEFU_CRM__URL}/customers/{member_id}``) and rebuilt from the app database.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

MemberLevel = Literal["normal", "silver", "gold", "black"]
LEVEL_NAMES: dict[str, str] = {"normal": "普通", "silver": "银卡", "gold": "金卡", "black": "黑钻"}
"""Member levels and their Chinese names (普通 / 银卡 / 金卡 / 黑钻)."""
CHINA_TZ = timezone(timedelta(hours=8), "CST")


class DeviceRecord(BaseModel):
    """A device the customer owns."""

    model_config = ConfigDict(extra="ignore")

    line: str  # product-line id of catalog.yml: book, raptor, desktop, pad, phone, accessory
    model: str  # model number of catalog.yml, e.g. RG9-2025
    serial: str | None = None
    purchased_on: date | None = None
    channel: str | None = None  # where it was bought: 星岚商城, 京东自营, 线下门店, 企业采购...
    warranty_until: date | None = None  # last day covered (extended warranty included)


class OrderRecord(BaseModel):
    """A mall order."""

    model_config = ConfigDict(extra="ignore")

    order_no: str
    placed_at: datetime
    status: str = "已完成"  # 待发货, 运输中, 已完成, 已取消, 退货中
    amount: float = 0.0  # yuan
    items: list[str] = []  # model numbers or accessory names

    @field_validator("placed_at")
    @classmethod
    def _local_time(cls, value: datetime) -> datetime:
        # CRM times without a zone are China Standard Time; with one, they compare as instants.
        return value.replace(tzinfo=CHINA_TZ) if value.tzinfo is None else value


class HistoryRecord(BaseModel):
    """Service history the CRM keeps (what the app database does not see itself)."""

    model_config = ConfigDict(extra="ignore")

    contacts: list[date] = []  # days the customer contacted service (any channel)
    handoffs: int = 0  # conversations handed to an engineer before
    complaints: int = 0  # complaints filed in the last 12 months
    unresolved_tickets: int = 0  # repair or service tickets still open


class CustomerRecord(BaseModel):
    """One customer as the CRM knows them."""

    model_config = ConfigDict(extra="ignore")

    member_id: str = Field(min_length=1, max_length=64)
    name: str | None = None
    gender: Literal["M", "F"] | None = None
    phone: str | None = None
    member_level: MemberLevel = "normal"
    enterprise: str | None = None  # company name of an enterprise customer
    devices: list[DeviceRecord] = []
    orders: list[OrderRecord] = []
    history: HistoryRecord = HistoryRecord()

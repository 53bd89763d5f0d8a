"""Fixed sample customers that tests and demos refer to by member id (dates as of 2026-11-23)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any


def _pc(line: str, model: str, serial: str, bought: date, until: date, channel: str):
    return {
        "line": line,
        "model": model,
        "serial": serial,
        "purchased_on": bought,
        "channel": channel,
        "warranty_until": until,
    }


SHOP = "星岚商城"
B2B = "企业采购"
JD = "京东自营"
PERSONAS: list[dict[str, Any]] = [
    {  # gold member, gaming laptop in warranty: purchase intent -> tier 4
        "member_id": "XL10000001",
        "name": "王建国",
        "gender": "M",
        "phone": "13912345601",
        "member_level": "gold",
        "enterprise": None,
        "devices": [
            _pc("raptor", "RG9-2025", "XLR7K2Q9M4PZ", date(2025, 9, 10), date(2028, 9, 9), SHOP),
            _pc("accessory", "Buds3", "XLA3N8W2C6TD", date(2025, 9, 10), date(2026, 9, 9), SHOP),
        ],
        "orders": [
            {
                "order_no": "2025091014523687",
                "placed_at": datetime(2025, 9, 10, 20, 14),
                "status": "已完成",
                "amount": 13298.0,
                "items": ["RG9-2025", "Buds3"],
            },
        ],
        "history": {"contacts": [], "handoffs": 0, "complaints": 0, "unresolved_tickets": 0},
    },
    {  # black-diamond member, recent order
        "member_id": "XL10000002",
        "name": "李雪",
        "gender": "F",
        "phone": "13912345602",
        "member_level": "black",
        "enterprise": None,
        "devices": [
            _pc("book", "XB14-2025", "XLB5H2K8R3QW", date(2025, 11, 11), date(2027, 11, 10), SHOP),
            _pc("phone", "X60P", "XLM9D4F7J2LX", date(2026, 3, 8), date(2027, 3, 7), SHOP),
        ],
        "orders": [
            {
                "order_no": "2025111109318462",
                "placed_at": datetime(2025, 11, 11, 0, 12),
                "status": "已完成",
                "amount": 8999.0,
                "items": ["XB14-2025"],
            },
            {
                "order_no": "2026031810264419",
                "placed_at": datetime(2026, 3, 8, 12, 40),
                "status": "已完成",
                "amount": 5499.0,
                "items": ["X60P"],
            },
            {
                "order_no": "2026111820117734",
                "placed_at": datetime(2026, 11, 18, 21, 3),
                "status": "运输中",
                "amount": 299.0,
                "items": ["GaN65"],
            },
        ],
        "history": {"contacts": [], "handoffs": 1, "complaints": 0, "unresolved_tickets": 0},
    },
    {  # enterprise customer: a fleet of office laptops bought through enterprise purchasing
        "member_id": "XL10000003",
        "name": "赵磊",
        "gender": "M",
        "phone": "13912345603",
        "member_level": "gold",
        "enterprise": "上海启明软件有限公司",
        "devices": [
            _pc("book", "XB16-2024", f"XLB2P6T9W{n}KM", date(2024, 4, 15), date(2027, 4, 14), B2B)
            for n in range(3)
        ]
        + [_pc("desktop", "XT5-2024", "XLD8C3V5X1RT", date(2024, 4, 15), date(2027, 4, 14), B2B)],
        "orders": [],
        "history": {
            "contacts": [date(2026, 11, 2)],
            "handoffs": 2,
            "complaints": 0,
            "unresolved_tickets": 1,
        },
    },
    {  # ordinary member, light laptop out of warranty
        "member_id": "XL10000004",
        "name": "陈静",
        "gender": "F",
        "phone": "13912345604",
        "member_level": "normal",
        "enterprise": None,
        "devices": [
            _pc("book", "XA13-2024", "XLB4G7N2S8DF", date(2024, 3, 20), date(2026, 3, 19), JD),
        ],
        "orders": [],
        "history": {"contacts": [], "handoffs": 0, "complaints": 0, "unresolved_tickets": 0},
    },
    {  # silver member who keeps coming back about the same phone
        "member_id": "XL10000005",
        "name": "刘洋",
        "gender": "M",
        "phone": "13912345605",
        "member_level": "silver",
        "enterprise": None,
        "devices": [
            _pc("phone", "Y30", "XLM6Q1Z8B5HJ", date(2026, 1, 10), date(2027, 1, 9), "天猫旗舰店"),
        ],
        "orders": [],
        "history": {
            "contacts": [date(2026, 11, 18), date(2026, 11, 20), date(2026, 11, 22)],
            "handoffs": 2,
            "complaints": 1,
            "unresolved_tickets": 1,
        },
    },
    {  # new ordinary member without registered devices
        "member_id": "XL10000006",
        "name": "周婷",
        "gender": "F",
        "phone": "13912345606",
        "member_level": "normal",
        "enterprise": None,
        "devices": [],
        "orders": [],
        "history": {"contacts": [], "handoffs": 0, "complaints": 0, "unresolved_tickets": 0},
    },
]
"""Gold raptor owner, black-diamond member, enterprise, out-of-warranty, repeat contact, new."""

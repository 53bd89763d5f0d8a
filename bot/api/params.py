"""Bounded query parameters shared by the staff API: a bad value is a 422 naming it."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query

MAX_INT64 = 2**63 - 1

Limit = Annotated[int, Query(ge=1, le=500, description="How many items, 1 to 500.")]
Offset = Annotated[int, Query(ge=0, le=MAX_INT64, description="How many items to skip.")]
Days = Annotated[
    int | None, Query(ge=1, le=3650, description="How many days back, 1 to 3650 (ten years).")
]

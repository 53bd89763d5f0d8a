"""Settings of the supervisors' side: the `analytics` group (``KEFU_ANALYTICS__...``)."""

from __future__ import annotations

from pydantic import BaseModel, Field


class AnalyticsSettings(BaseModel):
    """How contacts are cut, figures judged, spikes found and periodic jobs run."""

    session_gap_min: float = Field(
        default=30.0, gt=0, description="A pause this long starts a new contact (a visit)."
    )
    recontact_hours: float = Field(
        default=72.0, gt=0, description="A new contact within this time means not resolved."
    )
    service_level_s: float = Field(
        default=60.0, gt=0, description="Waiting for an engineer within this counts as in time."
    )
    service_level_target: float = Field(default=0.8, gt=0, le=1)
    rollup_interval_s: float = Field(
        default=20.0, ge=0, description="How often the periodic jobs run (0 = never)."
    )
    scan_interval_s: float = Field(
        default=5.0,
        gt=0,
        description="How often new messages are checked against the rules "
        "and work-order deadlines looked at.",
    )
    spike_interval_s: float = Field(default=300.0, gt=0, description="How often spikes are sought.")
    spike_weeks: int = Field(default=4, ge=1, description="Previous weeks the hour is held to.")
    spike_min_count: int = Field(default=8, ge=1, description="Fewer in an hour is no spike.")
    spike_p_value: float = Field(
        default=0.001, gt=0, lt=1, description="Poisson upper-tail probability below = spike."
    )
    spike_min_ratio: float = Field(default=2.0, ge=1, description="At least this times usual.")
    demo_history_days: int = Field(
        default=0,
        ge=0,
        description="Embedded profile: on an empty database, `bot serve` first fills this many "
        "days of generated history (0 = off).",
    )
    demo_per_day: int = Field(default=60, ge=1, description="Contacts per day of that history.")

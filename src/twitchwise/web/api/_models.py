"""The API's request and response bodies. Field names follow docs/reference/diary-format.md."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from twitchwise.diary import CheckIn, Twitch
from twitchwise.engine._vocab import SiteId, SymptomId

from ._strict import IsoDate

_FORBID = ConfigDict(extra="forbid")

Time = datetime


class TwitchIn(BaseModel):
    """A twitch episode to log. A time without an offset is this computer's local time."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"site": "left_thigh", "intensity": 2, "count": 5}]},
    )

    time: Time | None = Field(
        None, description="when it happened (default: now); not in the future"
    )
    site: SiteId = Field(description="where, as a site id (`left_thigh` is above the left knee)")
    intensity: int | None = Field(None, ge=1, le=5, description="1 (barely) to 5 (visible)")
    count: int = Field(1, ge=1, le=100_000, description="twitches in this episode")
    duration_s: float | None = Field(None, ge=0, le=86_400, allow_inf_nan=False)
    note: str | None = Field(None, max_length=5000)
    client_id: str | None = Field(
        None,
        min_length=1,
        max_length=64,
        pattern=r"^[!-~]+$",
        description="your own id for this episode (e.g. a UUID), so a retry after a lost "
        "answer stores it once: sent again, the stored episode comes back with 200",
    )


class TwitchPatch(BaseModel):
    """The fields to change; fields left out stay as they are, `null` clears an optional one."""

    model_config = _FORBID

    time: Time | None = None
    site: SiteId | None = None
    intensity: int | None = Field(None, ge=1, le=5)
    count: int | None = Field(None, ge=1, le=100_000)
    duration_s: float | None = Field(None, ge=0, le=86_400, allow_inf_nan=False)
    note: str | None = Field(None, max_length=5000)


class TwitchOut(BaseModel):
    id: int
    time: datetime = Field(description="ISO 8601 with the offset it was logged in")
    site: SiteId
    intensity: int | None
    count: int
    duration_s: float | None
    note: str | None

    @classmethod
    def of(cls, t: Twitch) -> TwitchOut:
        return cls(
            id=t.id,
            time=t.time,
            site=t.site,
            intensity=t.intensity,
            count=t.count,
            duration_s=t.duration_s,
            note=t.note,
        )


class CheckInValues(BaseModel):
    """One day's check-in (days.csv columns). A missing or null value is unknown, never zero."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"sleep_hours": 6.5, "caffeine_mg": 190, "stress_level": 6}]
        },
    )

    sleep_hours: float | None = Field(None, ge=0, le=24, allow_inf_nan=False)
    caffeine_mg: float | None = Field(None, ge=0, le=5000, allow_inf_nan=False)
    alcohol_drinks: float | None = Field(None, ge=0, le=100, allow_inf_nan=False)
    water_litres: float | None = Field(None, ge=0, le=20, allow_inf_nan=False)
    stress_level: float | None = Field(None, ge=0, le=10, allow_inf_nan=False)
    exercise_minutes: float | None = Field(None, ge=0, le=1440, allow_inf_nan=False)
    hard_exercise: bool | None = Field(None, strict=True)
    symptoms: list[SymptomId] = Field(
        default_factory=list, max_length=50, json_schema_extra={"uniqueItems": True}
    )
    medications: list[str] = Field(default_factory=list, max_length=50)
    notes: str | None = Field(None, max_length=10_000)

    def diary_values(self) -> dict[str, Any]:
        return self.model_dump()


class CheckInIn(CheckInValues):
    """A check-in with its day: creates the day's check-in or replaces it."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"date": "2026-03-02", "sleep_hours": 6.5, "caffeine_mg": 190, "stress_level": 6}
            ]
        },
    )

    date: IsoDate

    def diary_values(self) -> dict[str, Any]:
        return self.model_dump(exclude={"date"})


class CheckInOut(BaseModel):
    date: IsoDate
    sleep_hours: float | None
    caffeine_mg: float | None
    alcohol_drinks: float | None
    water_litres: float | None
    stress_level: float | None
    exercise_minutes: float | None
    hard_exercise: bool | None
    symptoms: list[SymptomId]
    medications: list[str]
    notes: str | None

    @classmethod
    def of(cls, c: CheckIn) -> CheckInOut:
        return cls(
            date=c.day,
            **{**c.values(), "symptoms": list(c.symptoms), "medications": list(c.medications)},
        )

"""What the diary hands out: plain, frozen values that know nothing of the database."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, NamedTuple, Protocol

LOCAL_PERSON = 1
"""The person of a diary without accounts: made by migration 0003, owner of all earlier rows."""

#: The numeric columns of a check-in (days.csv), in the order of docs/reference/diary-format.md.
NUMERIC_DAY_COLUMNS: tuple[str, ...] = (
    "sleep_hours",
    "caffeine_mg",
    "alcohol_drinks",
    "water_litres",
    "stress_level",
    "exercise_minutes",
)
#: Every column of a check-in besides `date`.
DAY_COLUMNS: tuple[str, ...] = (
    *NUMERIC_DAY_COLUMNS,
    "hard_exercise",
    "symptoms",
    "medications",
    "notes",
)
#: What a check-in also keeps beyond the days.csv columns: the drinks as counted and the
#: "no twitches today" marker (both in the database only; days.csv keeps the caffeine total).
CHECKIN_EXTRAS: tuple[str, ...] = ("drinks", "no_twitches")
#: Imported metrics that are not check-in columns (Apple Health and later wearables).
EXTRA_METRICS: tuple[str, ...] = (
    "steps",
    "active_energy_kcal",
    "mindful_minutes",
    "hrv_sdnn_ms",
    "resting_heart_rate_bpm",
    "potassium_mg",
    "magnesium_mg",
    "calcium_mg",
)


@dataclass(frozen=True)
class Twitch:
    """One twitch episode. `time` is aware, in the offset it was logged with."""

    id: int
    time: datetime
    site: str
    intensity: int | None = None
    count: int = 1
    duration_s: float | None = None
    note: str | None = None
    explicit_offset: bool = True
    """False when the time was given without an offset (the machine's offset was assumed)."""

    @property
    def day(self) -> date:
        """The person's local day of the episode."""
        return self.time.date()


@dataclass(frozen=True)
class CheckIn:
    """One day's check-in; None means unknown, never zero."""

    day: date
    sleep_hours: float | None = None
    caffeine_mg: float | None = None
    alcohol_drinks: float | None = None
    water_litres: float | None = None
    stress_level: float | None = None
    exercise_minutes: float | None = None
    hard_exercise: bool | None = None
    symptoms: tuple[str, ...] = ()
    medications: tuple[str, ...] = ()
    notes: str | None = None
    drinks: tuple[tuple[str, float], ...] = ()
    """The drinks as counted, (drink id, count) sorted by id; caffeine_mg holds the total."""
    no_twitches: bool = False
    """The person said the day had no twitches: a tracked zero, not a day left out."""

    def values(self) -> dict[str, Any]:
        """The check-in's columns (without the day) as a dict."""
        return {name: getattr(self, name) for name in DAY_COLUMNS}


class DayValue(NamedTuple):
    """A daily value from another app (Apple Health...), named like a diary column: the one
    type every importer produces and the diary stores and lists, e.g.
    ``DayValue(date(2024, 1, 1), "sleep_hours", 7.25)``."""

    day: date
    metric: str
    value: float


class DayValueLike(Protocol):
    """Anything with a day, a metric name and a value (a `DayValue`, or a caller's own record)."""

    @property
    def day(self) -> date: ...
    @property
    def metric(self) -> str: ...
    @property
    def value(self) -> float: ...


@dataclass
class ImportStats:
    """What an import changed; a re-import of the same data shows only `unchanged`."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    by_kind: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def changed(self) -> int:
        return self.added + self.updated


@dataclass(frozen=True)
class Experiment:
    """A self-experiment: its plan is the stats area's JSON, kept as given."""

    id: int
    created_at: datetime
    status: str
    plan: dict[str, Any]
    ended_at: datetime | None = None


@dataclass(frozen=True)
class AssessmentRecord:
    """One assessment as it was given: the case it judged and the result."""

    id: int
    created_at: datetime
    origin: str
    case: dict[str, Any]
    result: dict[str, Any]

    @property
    def triage(self) -> str | None:
        value = self.result.get("triage")
        return value if isinstance(value, str) else None

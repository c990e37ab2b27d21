"""The report as plain data: what the template shows, already decided and worded.

Everything here is computed by `build_report` from the diary, the engine, the knowledge base and
the statistics; the template only lays it out, so the web page and the PDF cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Literal

FlagStatus = Literal["reported", "not_reported", "never_asked"]


class ReportError(ValueError):
    """Bad report input (a date, the paper size); `field` names the option or parameter."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field, self.message = field, message


@dataclass(frozen=True)
class Completeness:
    """How much of the period the diary covers, and which values came from other apps."""

    period_days: int
    days_with_entries: int
    checkin_days: int
    twitch_days: int
    imported: dict[str, list[str]]
    """Source (e.g. "Apple Health") -> the metrics it provided in the period."""
    imported_days: dict[str, int]


@dataclass(frozen=True)
class FlagLine:
    """One red flag of the knowledge base and what the period's diary and assessments say."""

    id: str
    title: str
    level: str
    status: FlagStatus
    when: date | None = None
    words: str = ""
    where: str = ""
    """Where it was reported: "check-ins", "assessment" or "twitch log"."""


@dataclass(frozen=True)
class Triage:
    level: str
    label: str
    when: date
    headline: str


@dataclass(frozen=True)
class Burden:
    """How much, where and how strong the twitching was."""

    onset: date | None
    """First twitch the diary holds (at any time)."""
    first_in_period: date | None
    total: int
    episodes: int
    weeks: list[tuple[date, int, int]]
    """(Monday, twitches that week, days of that week inside the period and tracked)."""
    sites: list[tuple[str, int]]
    intensity_mean: float | None
    intensity_range: tuple[int, int] | None
    intensity_n: int
    trend: str
    symptoms: list[tuple[str, int, date]]
    """Symptoms ticked in check-ins: (label, days, latest day)."""


@dataclass(frozen=True)
class Exposure:
    label: str
    mean: float | None
    unit: str
    days: int
    checkin_days: int
    imported_days: int
    imported_from: str = "imported"


@dataclass(frozen=True)
class Medicine:
    typed: str
    drug_class: str | None
    days: int


@dataclass(frozen=True)
class Association:
    label: str
    lag_days: int
    rate_ratio: float
    ci_low: float
    ci_high: float
    per: str
    n_days: int
    sentence: str


@dataclass(frozen=True)
class ExperimentLine:
    title: str
    design: str
    order: str
    start: date
    end: date
    phase_days: int
    status: str
    adherence: str
    days_a: int
    days_b: int
    rate_ratio: float | None
    ci_low: float | None
    ci_high: float | None
    settled: bool
    sentence: str


@dataclass(frozen=True)
class DayRow:
    """One day of the appendix."""

    day: date
    twitches: int | None
    values: dict[str, str]
    symptoms: str


@dataclass
class Report:
    """Everything the one-page report shows; `render_html` and `render_pdf` lay it out."""

    start: date
    end: date
    made: date
    completeness: Completeness
    flags: list[FlagLine]
    triage: Triage | None
    burden: Burden
    exposures: list[Exposure]
    medicines: list[Medicine]
    associations: list[Association]
    associations_tested: int
    experiments: list[ExperimentLine]
    provenance: list[str]
    reason: str | None = None
    question: str | None = None
    appendix: list[DayRow] | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        """True when the diary holds nothing in the period."""
        return self.completeness.days_with_entries == 0

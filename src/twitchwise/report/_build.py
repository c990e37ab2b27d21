"""Building the report's data from the diary with the app's own functions (no second calculation):
the engine judges red flags, the statistics give the trend, the associations and the experiments.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import date, timedelta
from typing import TYPE_CHECKING

from twitchwise.diary import (
    AssessmentRecord,
    CheckIn,
    DayValue,
    Diary,
    Twitch,
    case_facts_from_diary,
)
from twitchwise.diary._rules import EARLIEST
from twitchwise.engine._medications import match_medication
from twitchwise.knowledge import load_knowledge

from . import _flags
from ._analyses import associations, experiments
from ._days import appendix_rows, exposures
from ._model import (
    Burden,
    Completeness,
    Medicine,
    Report,
    ReportError,
    Triage,
)

if TYPE_CHECKING:
    import pandas as pd

DEFAULT_DAYS = 90
MAX_DAYS = 20 * 366
MAX_TEXT = 500
TRIAGE_LABELS = {
    "self_care": "Self-care",
    "doctor": "See a doctor",
    "urgent": "See a doctor today",
    "emergency": "Emergency",
}
SOURCE_NAMES = {"apple-health": "Apple Health"}


def source_name(source: str) -> str:
    """How a report names the app a value came from (`apple-health` -> `Apple Health`)."""
    return SOURCE_NAMES.get(source, source.replace("-", " ").replace("_", " ").title())


def period(start: date | None, end: date | None, today: date) -> tuple[date, date]:
    """The report's period: by default the 90 days up to today; errors name `from` or `to`."""
    end = end or today
    if end > today:
        raise ReportError("to", f"{end} is after today ({today}); a diary cannot cover it yet")
    for name, value in (("to", end), ("from", start)):
        if value is not None and value < EARLIEST:
            raise ReportError(name, f"{value} is before {EARLIEST}; a diary holds no such day")
    start = start or max(EARLIEST, end - timedelta(days=DEFAULT_DAYS - 1))
    if start > end:
        raise ReportError("from", f"{start} is after the end of the period ({end})")
    if (end - start).days >= MAX_DAYS:
        raise ReportError("from", "the period can be at most 20 years long")
    return start, end


def _text(name: str, value: str | None) -> str | None:
    value = (value or "").strip()
    if len(value) > MAX_TEXT:
        raise ReportError(name, f"keep it under {MAX_TEXT} characters")
    return value or None


def build_report(
    diary: Diary,
    start: date | None = None,
    end: date | None = None,
    *,
    reason: str | None = None,
    question: str | None = None,
    appendix: bool = False,
    today: date | None = None,
) -> Report:
    """The report for [start, end] (both inclusive); see `Report`. Raises ReportError."""
    from twitchwise.stats import count_trend

    made = today or date.today()
    start, end = period(start, end, made)
    reason, question = _text("reason", reason), _text("question", question)
    checkins = diary.list_checkins(start, end)
    twitches = diary.list_twitches(start, end)
    values = diary.list_day_values(start, end)
    frame = diary.daily_frame(start, end)
    records = diary.list_assessments(limit=None)
    in_period = [a for a in records if start <= a.created_at.astimezone().date() <= end]
    trend = count_trend(frame["twitches"])
    course = trend.direction if trend.direction != "insufficient_data" else None
    duration = case_facts_from_diary(diary, end).known.get("duration_days") if twitches else None
    case, known = _flags.diary_case(checkins, twitches, duration, course)
    completeness = _completeness(start, end, checkins, twitches, values)
    insights = associations(frame)
    return Report(
        start=start,
        end=end,
        made=made,
        completeness=completeness,
        flags=_flags.screen(case, known, in_period, checkins, twitches, end),
        triage=_triage(records, end),
        burden=_burden(diary, checkins, twitches, start, end, trend.sentence),
        exposures=exposures(frame, checkins, _sources_by_metric(values)),
        medicines=_medicines(checkins),
        associations=insights[0],
        associations_tested=insights[1],
        experiments=experiments(diary, start, end),
        provenance=_provenance(completeness, frame, len(in_period), insights[1]),
        reason=reason,
        question=question,
        appendix=appendix_rows(start, end, checkins, twitches, frame) if appendix else None,
    )


def _completeness(
    start: date,
    end: date,
    checkins: Sequence[CheckIn],
    twitches: Sequence[Twitch],
    values: Sequence[tuple[str, DayValue]],
) -> Completeness:
    checkin_days = {c.day for c in checkins}
    twitch_days = {t.day for t in twitches}
    imported: dict[str, set[str]] = {}
    imported_days: dict[str, set[date]] = {}
    for source, value in values:
        imported.setdefault(source_name(source), set()).add(value.metric)
        imported_days.setdefault(source_name(source), set()).add(value.day)
    return Completeness(
        period_days=(end - start).days + 1,
        days_with_entries=len(checkin_days | twitch_days),
        checkin_days=len(checkin_days),
        twitch_days=len(twitch_days),
        imported={s: sorted(m) for s, m in imported.items()},
        imported_days={s: len(d) for s, d in imported_days.items()},
    )


def _sources_by_metric(values: Sequence[tuple[str, DayValue]]) -> dict[str, list[str]]:
    found: dict[str, dict[str, None]] = {}
    for source, value in values:
        found.setdefault(value.metric, {})[source_name(source)] = None
    return {metric: list(names) for metric, names in found.items()}


def _triage(records: Sequence[AssessmentRecord], end: date) -> Triage | None:
    """The latest assessment made on or before the end of the period."""
    for record in records:  # newest first
        if record.triage is None:
            continue
        day = record.created_at.astimezone().date()
        if day <= end:
            headline = str(record.result.get("headline", ""))
            return Triage(record.triage, TRIAGE_LABELS.get(record.triage, record.triage), day,
                          headline)  # fmt: skip
    return None


def _weeks(
    start: date, end: date, by_day: Counter[date], entry_days: set[date]
) -> list[tuple[date, int, int]]:
    monday = start - timedelta(days=start.weekday())
    weeks = []
    while monday <= end:
        days = [monday + timedelta(days=i) for i in range(7)]
        inside = [d for d in days if start <= d <= end]
        weeks.append((monday, sum(by_day[d] for d in inside), sum(d in entry_days for d in inside)))
        monday += timedelta(days=7)
    return weeks


def _burden(
    diary: Diary,
    checkins: Sequence[CheckIn],
    twitches: Sequence[Twitch],
    start: date,
    end: date,
    trend: str,
) -> Burden:
    by_day: Counter[date] = Counter()
    sites: Counter[str] = Counter()
    for t in twitches:
        by_day[t.day] += t.count
        sites[t.site] += t.count
    days_ever: list[date] = (
        [d for d in diary.twitch_counts_by_day(None, end).index[:1] if isinstance(d, date)]
        if twitches
        else []
    )
    intensities = [t.intensity for t in twitches if t.intensity is not None]
    labels = load_knowledge().symptoms
    seen: dict[str, list[date]] = {}
    for c in checkins:
        for s in c.symptoms:
            seen.setdefault(s, []).append(c.day)
    return Burden(
        onset=days_ever[0] if days_ever else None,
        first_in_period=twitches[0].day if twitches else None,
        total=sum(by_day.values()),
        episodes=len(twitches),
        weeks=_weeks(start, end, by_day, set(by_day) | {c.day for c in checkins}),
        sites=sites.most_common(),
        intensity_mean=sum(intensities) / len(intensities) if intensities else None,
        intensity_range=(min(intensities), max(intensities)) if intensities else None,
        intensity_n=len(intensities),
        trend=trend,
        symptoms=[
            (labels[s].label if s in labels else s.replace("_", " "), len(d), max(d))
            for s, d in sorted(seen.items(), key=lambda kv: -len(kv[1]))
        ],
    )


def _medicines(checkins: Sequence[CheckIn]) -> list[Medicine]:
    days: dict[str, int] = {}
    typed: dict[str, str] = {}
    for c in checkins:
        for med in dict.fromkeys(m.strip() for m in c.medications if m.strip()):
            key = med.casefold()
            typed.setdefault(key, med)
            days[key] = days.get(key, 0) + 1
    out = []
    for key, name in typed.items():
        match = match_medication(name)
        out.append(Medicine(name, match.med_class.label if match else None, days[key]))
    return sorted(out, key=lambda m: -m.days)


def _provenance(
    done: Completeness, frame: pd.DataFrame, assessments: int, tested: int
) -> list[str]:
    lines = [
        "Twitches are counted by the person as they happen; a day without entries is unknown, "
        "not a day without twitches.",
        f"Trend, associations and exposures use the {done.checkin_days} days with a check-in; "
        "a value typed in a check-in replaces an imported one.",
    ]
    for source, metrics in done.imported.items():
        used = ", ".join(m.replace("_", " ") for m in metrics)
        lines.append(f"{source}: {used} on {done.imported_days[source]} days.")
    if tested:
        lines.append(
            f"Associations: negative binomial models, Holm-corrected across {tested} "
            "factor-lag comparisons."
        )
    flags = len(load_knowledge().red_flags)
    lines.append(
        f"Red flags: {assessments} assessment{'s' * (assessments != 1)} in the period and the "
        f"symptoms ticked in check-ins, judged by the app's rules ({flags} red flags, each with "
        "a published source)."
    )
    missing = [
        label
        for label, column in (("caffeine", "caffeine_mg"), ("sleep", "sleep_hours"),
                              ("alcohol", "alcohol_drinks"), ("stress", "stress_level"),
                              ("exercise", "exercise_minutes"), ("fluids", "water_litres"))
        if frame.empty or not frame[column].notna().any()
    ]  # fmt: skip
    if missing:
        lines.append("Not recorded in the period: " + ", ".join(missing) + ".")
    return lines

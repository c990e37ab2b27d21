"""What the diary can tell the assessment: case fields plus the sentence behind each.

Only what the diary actually holds becomes a fact. Recorded symptoms are *present*; the diary
never claims a symptom is absent, so the interview still asks about the rest (safety first).
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from twitchwise.engine._vocab import site_label

from ._diary import Diary
from ._entries import CheckIn

if TYPE_CHECKING:
    import pandas as pd

SITES_DAYS = 14
TREND_DAYS = 28
RECENT_CHECKIN_DAYS = 14
FACTOR_DAYS = 7
"""Factors average the last 7 tracked days, looking back at most RECENT_CHECKIN_DAYS."""
RUN_LOOKBACK_DAYS = 3 * 365


@dataclass(frozen=True)
class DiaryFact:
    """A sentence from the diary behind one case field (`duration_days`, `factors.sleep_hours`)."""

    field: str
    sentence: str


@dataclass
class DiaryFacts:
    """`known` holds the case fields the diary answers (JSON-ready), `facts` say why."""

    known: dict[str, Any] = field(default_factory=dict)
    facts: list[DiaryFact] = field(default_factory=list)

    def add(self, name: str, value: Any, sentence: str) -> None:
        head, _, tail = name.partition(".")
        if tail:
            self.known.setdefault(head, {})[tail] = value
        else:
            self.known[name] = value
        self.facts.append(DiaryFact(name, sentence))


def case_facts_from_diary(diary: Diary, today: date) -> DiaryFacts:
    """Duration, sites, course, symptoms, medications and lifestyle factors, from the diary."""
    facts = DiaryFacts()
    counts = diary.twitch_counts_by_day(today - timedelta(days=RUN_LOOKBACK_DAYS), today)
    checkins = diary.list_checkins(today - timedelta(days=RUN_LOOKBACK_DAYS), today)
    twitch_days: set[date] = {d for d, n in counts.items() if n > 0 and isinstance(d, date)}
    _duration(facts, twitch_days, {c.day for c in checkins}, today)
    _sites(facts, diary, today)
    _course(facts, diary, today)
    recent = [c for c in checkins if c.day > today - timedelta(days=RECENT_CHECKIN_DAYS)]
    _symptoms_and_medications(facts, recent)
    _factors(
        facts, diary.daily_frame(today - timedelta(days=RECENT_CHECKIN_DAYS - 1), today), today
    )
    return facts


def _days(n: int) -> str:
    return f"{n} day{'s' * (n != 1)}"


def _duration(facts: DiaryFacts, twitch_days: set[date], tracked: set[date], today: date) -> None:
    """The current run of days with twitches, ending today or yesterday.

    One forgotten day (no twitches logged and no check-in) does not break the run; a checked-in
    day without twitches, or two days without any twitches, does.
    """
    last = today if today in twitch_days else today - timedelta(days=1)
    if last not in twitch_days:
        return
    first, day, logged = last, last, 0
    while True:
        if day in twitch_days:
            first, logged = day, logged + 1
        elif day in tracked or (day - timedelta(days=1)) not in twitch_days:
            break
        day -= timedelta(days=1)
    span = (last - first).days + 1
    when = "today" if last == today else "yesterday"
    if logged == span:
        sentence = f"twitching logged on each of the last {_days(span)} (up to {when})"
    else:
        sentence = f"twitching logged on {logged} of the last {_days(span)} (up to {when})"
    facts.add("duration_days", span, f"{sentence}, since {first:%d %B %Y}")


def _sites(facts: DiaryFacts, diary: Diary, today: date) -> None:
    since = today - timedelta(days=SITES_DAYS - 1)
    twitches: Counter[str] = Counter()
    days: dict[str, set[date]] = {}
    for t in diary.list_twitches(since, today):
        twitches[t.site] += t.count
        days.setdefault(t.site, set()).add(t.day)
    if not twitches:
        return
    ordered = [site for site, _ in twitches.most_common()]
    listed = ", ".join(
        f"{site_label(s)} ({twitches[s]} twitches on {_days(len(days[s]))})" for s in ordered
    )
    facts.add("sites", ordered, f"twitching logged in the last {SITES_DAYS} days at: {listed}")


def _course(facts: DiaryFacts, diary: Diary, today: date) -> None:
    from twitchwise.stats import count_trend  # statsmodels is slow to import; only load it here

    frame = diary.daily_frame(today - timedelta(days=TREND_DAYS - 1), today)
    trend = count_trend(frame["twitches"])
    if trend.direction == "insufficient_data":
        return
    facts.add("course", trend.direction, f"over the last {TREND_DAYS} days: {trend.sentence}")


def _symptoms_and_medications(facts: DiaryFacts, recent: list[CheckIn]) -> None:
    seen: dict[str, list[date]] = {}
    for checkin in recent:
        for symptom in checkin.symptoms:
            seen.setdefault(symptom, []).append(checkin.day)
    if seen:
        parts = [
            f"{s.replace('_', ' ')} on {_days(len(d))} (latest {max(d):%d %b})"
            for s, d in sorted(seen.items())
        ]
        facts.add(
            "symptoms",
            sorted(seen),
            f"check-ins of the last {RECENT_CHECKIN_DAYS} days record {'; '.join(parts)}",
        )
    meds: dict[str, str] = {}
    for checkin in sorted(recent, key=lambda c: c.day, reverse=True):
        for med in checkin.medications:
            meds.setdefault(med.casefold(), med)
    if meds:
        listed = ", ".join(meds.values())
        facts.add(
            "medications",
            list(meds.values()),
            f"medications in check-ins of the last {RECENT_CHECKIN_DAYS} days: {listed}",
        )


# (case factor, diary column, multiplier to the case unit, upper bound, how to say it)
_FACTORS: tuple[tuple[str, str, float, float, str], ...] = (
    ("sleep_hours", "sleep_hours", 1, 24, "{v:g} hours of sleep a night"),
    ("caffeine_mg_per_day", "caffeine_mg", 1, 5000, "{v:g} mg of caffeine a day"),
    ("alcohol_drinks_per_week", "alcohol_drinks", 7, 300, "{v:g} standard drinks a week"),
    ("water_litres_per_day", "water_litres", 1, 20, "{v:g} litres of fluid a day"),
    ("stress_level", "stress_level", 1, 10, "stress {v:g} out of 10"),
    ("exercise_hours_per_week", "exercise_minutes", 7 / 60, 100, "{v:g} hours of exercise a week"),
)


def _factors(facts: DiaryFacts, frame: pd.DataFrame, today: date) -> None:
    last = frame.tail(FACTOR_DAYS)
    if last.empty:
        return
    span = f"{last.index[0]:%d %b} to {last.index[-1]:%d %b}"
    for name, column, scale, upper, template in _FACTORS:
        values = last[column].dropna()
        if values.empty:
            continue
        value = round(min(float(values.mean()) * scale, upper), 1)
        if math.isfinite(value):
            how = "on average " if len(values) > 1 else ""
            sentence = f"{how}{template.format(v=value)} ({_days(len(values))} recorded, {span})"
            facts.add(f"factors.{name}", value, sentence)
    _hard_exercise(facts, frame, today)


def _hard_exercise(facts: DiaryFacts, frame: pd.DataFrame, today: date) -> None:
    window = [today - timedelta(days=1), today]
    column = frame["hard_exercise"]
    values = {d: float(column.get(d, math.nan)) for d in window}
    known = {d: v for d, v in values.items() if not math.isnan(v)}
    hard = sorted(d for d, v in known.items() if v == 1.0)
    if hard:
        when = "today" if hard[-1] == today else "yesterday"
        facts.add("factors.hard_exercise_last_48h", True, f"hard or unusual exercise {when}")
    elif len(known) == len(window):
        facts.add(
            "factors.hard_exercise_last_48h", False, "no hard exercise recorded yesterday or today"
        )

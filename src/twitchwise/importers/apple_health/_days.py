"""Turn Apple Health records into one value per local day and metric.

Both record readers (the fast scanner and the lxml reference reader) call the same `DayBuilder`,
so the two can only differ in which records they find, never in what a record means.

The rules, each chosen so a number in the diary means what a person would expect:
- A record's local day is the date written in its own timestamp (Apple writes each one with the
  offset that applied), or the date in its ``HKTimeZone`` when that metadata is present.
- Quantities measured by devices (steps, active energy, mindful minutes) are summed per source
  and the day takes the largest source: an iPhone and a Watch both count the same steps, and
  adding them would double the day. Logged intake (caffeine, water, alcohol, minerals) is summed
  over every source, since separate apps log separate drinks.
- Sleep counts asleep stages only (not in bed, not awake). Intervals from all sources are merged,
  so overlapping records never count twice, and a night is credited to the day it ends.
- Workouts give exercise minutes; workouts that overlap (one run recorded by two apps) count once.
- A day with no record of a kind gets no value at all: unknown, never zero.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .._base import DayValue, ImportSummary

QTY = "HKQuantityTypeIdentifier"
CAT = "HKCategoryTypeIdentifier"

MASS_MG = {"mg": 1.0, "g": 1000.0, "mcg": 0.001, "µg": 0.001, "kg": 1e6, "oz": 28349.523125}
VOLUME_L = {
    "mL": 0.001,
    "ml": 0.001,
    "cL": 0.01,
    "dL": 0.1,
    "L": 1.0,
    "l": 1.0,
    "fl_oz_us": 0.0295735295625,
    "fl_oz_imp": 0.0284130625,
    "cup_us": 0.2365882365,
    "cup_imp": 0.284130625,
    "pt_us": 0.473176473,
    "pt_imp": 0.56826125,
}
ENERGY_KCAL = {"kcal": 1.0, "Cal": 1.0, "kJ": 1 / 4.184, "cal": 0.001, "J": 1 / 4184}
COUNT = {"count": 1.0, "": 1.0}
MILLISECONDS = {"ms": 1.0, "s": 1000.0}
PER_MINUTE = {"count/min": 1.0, "count/s": 60.0}
MINUTES = {"min": 1.0, "s": 1 / 60, "hr": 60.0, "h": 60.0, "ms": 1 / 60000, "d": 1440.0}


@dataclass(frozen=True)
class Quantity:
    metric: str
    units: Mapping[str, float]
    combine: str
    """``sum`` over all sources, ``max_source`` (sum per source, largest source) or ``mean``."""


QUANTITIES: dict[str, Quantity] = {
    f"{QTY}StepCount": Quantity("steps", COUNT, "max_source"),
    f"{QTY}ActiveEnergyBurned": Quantity("active_energy_kcal", ENERGY_KCAL, "max_source"),
    f"{QTY}DietaryCaffeine": Quantity("caffeine_mg", MASS_MG, "sum"),
    f"{QTY}DietaryWater": Quantity("water_litres", VOLUME_L, "sum"),
    f"{QTY}NumberOfAlcoholicBeverages": Quantity("alcohol_drinks", COUNT, "sum"),
    f"{QTY}DietaryPotassium": Quantity("potassium_mg", MASS_MG, "sum"),
    f"{QTY}DietaryMagnesium": Quantity("magnesium_mg", MASS_MG, "sum"),
    f"{QTY}DietaryCalcium": Quantity("calcium_mg", MASS_MG, "sum"),
    f"{QTY}HeartRateVariabilitySDNN": Quantity("hrv_sdnn_ms", MILLISECONDS, "mean"),
    f"{QTY}RestingHeartRate": Quantity("resting_heart_rate_bpm", PER_MINUTE, "mean"),
}
_FAST: dict[bytes, tuple[Quantity, dict[bytes, float]]] = {
    kind.encode(): (q, {u.encode(): f for u, f in q.units.items()})
    for kind, q in QUANTITIES.items()
}
SLEEP = f"{CAT}SleepAnalysis"
MINDFUL = f"{CAT}MindfulSession"
USED_TYPES = frozenset([*QUANTITIES, SLEEP, MINDFUL])
"""Record types the diary uses; every other type is skipped unread."""

ASLEEP = frozenset(
    {
        "HKCategoryValueSleepAnalysisAsleep",
        "HKCategoryValueSleepAnalysisAsleepUnspecified",
        "HKCategoryValueSleepAnalysisAsleepCore",
        "HKCategoryValueSleepAnalysisAsleepDeep",
        "HKCategoryValueSleepAnalysisAsleepREM",
        "1",
        "3",
        "4",
        "5",
    }
)
EARLIEST = date(1900, 1, 1)
NIGHT_GAP = 3 * 3600
"""Asleep intervals closer than this belong to one night (credited to the day it ends)."""

METRICS = (
    "sleep_hours",
    "caffeine_mg",
    "water_litres",
    "alcohol_drinks",
    "exercise_minutes",
    "steps",
    "active_energy_kcal",
    "mindful_minutes",
    "hrv_sdnn_ms",
    "resting_heart_rate_bpm",
    "potassium_mg",
    "magnesium_mg",
    "calcium_mg",
)

_TIME = re.compile(
    r"(\d{4})-(\d\d)-(\d\d)[ T](\d\d):(\d\d):(\d\d)(?:[.,]\d+)? ?(?:([+-])(\d\d):?(\d\d)|Z)"
)


class BadRecord(ValueError):
    """One record cannot be read; it is counted and skipped, the import goes on."""


class DayBuilder:
    """Collects records and produces `DayValue`s; memory grows with days, not with records."""

    def __init__(self) -> None:
        self.sums: dict[tuple[str, date], float] = {}
        self.per_source: dict[tuple[str, date, str], float] = {}
        self.means: dict[tuple[str, date], list[float]] = {}
        self.sleep: list[tuple[float, float, date]] = []
        self.workouts: list[tuple[float, float, float, date]] = []
        self.used = 0
        self.ignored: Counter[str] = Counter()
        self.skipped_types: set[str] = set()
        self._days: dict[str, date] = {}
        self._bdays: dict[bytes, date] = {}
        self._zones: dict[str, tzinfo | None] = {}

    # -- records -------------------------------------------------------------------------------

    def record(self, kind: str, attrs: Mapping[str, str], tz: str | None) -> None:
        """Add one top-level ``Record`` of a used type (`tz`: its ``HKTimeZone``, if any)."""
        try:
            quantity = QUANTITIES.get(kind)
            if quantity is not None:
                self._quantity(quantity, attrs, tz)
            elif kind == SLEEP:
                self._sleep(attrs, tz)
            elif kind == MINDFUL:
                self._mindful(attrs, tz)
            else:
                return
        except BadRecord as exc:
            self.ignored[f"{_short(kind)}: {exc}"] += 1
        except KeyError as exc:
            self.ignored[f"{_short(kind)}: no {exc.args[0]} attribute"] += 1
        else:
            self.used += 1

    def quantity_bytes(
        self, kind: bytes, source: bytes, unit: bytes, start: bytes, value: bytes
    ) -> None:
        """`record` for a quantity sample read as raw bytes with no time-zone metadata.

        The scanner's hot path: no dict, no decoding of fields it can look up as bytes. Anything
        unusual (unknown unit, bad number, a day not seen yet) goes through `record`, so both
        paths give the same results and the same reasons for ignored records.
        """
        fast = _FAST.get(kind)
        day = self._bdays.get(start[:10])
        factor = fast[1].get(unit) if fast is not None else None
        if fast is None or day is None or factor is None:
            self._slow(kind, source, unit, start, value)
            return
        try:
            number = float(value)
        except ValueError:
            number = math.nan
        if not math.isfinite(number) or number < 0:
            self._slow(kind, source, unit, start, value)
            return
        quantity = fast[0]
        number *= factor
        if quantity.combine == "max_source":
            key3 = (quantity.metric, day, source.decode())
            self.per_source[key3] = self.per_source.get(key3, 0.0) + number
        elif quantity.combine == "sum":
            key = (quantity.metric, day)
            self.sums[key] = self.sums.get(key, 0.0) + number
        else:
            acc = self.means.setdefault((quantity.metric, day), [0.0, 0.0])
            acc[0] += number
            acc[1] += 1
        self.used += 1

    def quantity_run(
        self, kind: bytes, source: bytes, unit: bytes, day: bytes, values: list[bytes]
    ) -> bool:
        """Add a run of samples of one type, source, unit and day (``YYYY-MM-DD``) at once.

        Returns False, changing nothing, when any sample needs a closer look (an unknown unit,
        a day not seen yet, a value that is not a finite number >= 0); the caller then adds
        the samples one by one.
        """
        fast = _FAST.get(kind)
        known = self._bdays.get(day)
        factor = fast[1].get(unit) if fast is not None else None
        if fast is None or known is None or factor is None:
            return False
        try:
            numbers = list(map(float, values))
        except ValueError:
            return False
        total = math.fsum(numbers)
        if not math.isfinite(total) or min(numbers) < 0:
            return False
        quantity = fast[0]
        total *= factor
        if quantity.combine == "max_source":
            key3 = (quantity.metric, known, source.decode())
            self.per_source[key3] = self.per_source.get(key3, 0.0) + total
        elif quantity.combine == "sum":
            key = (quantity.metric, known)
            self.sums[key] = self.sums.get(key, 0.0) + total
        else:
            acc = self.means.setdefault((quantity.metric, known), [0.0, 0.0])
            acc[0] += total
            acc[1] += len(numbers)
        self.used += len(numbers)
        return True

    def _slow(self, kind: bytes, source: bytes, unit: bytes, start: bytes, value: bytes) -> None:
        attrs = {
            "sourceName": source.decode(),
            "startDate": start.decode(),
            "value": value.decode(),
        }
        if unit:
            attrs["unit"] = unit.decode()
        self.record(kind.decode(), attrs, None)
        day = self._days.get(attrs["startDate"][:10])
        if day is not None:
            self._bdays[start[:10]] = day

    def workout(self, attrs: Mapping[str, str], tz: str | None) -> None:
        try:
            start, end = self._instant(attrs["startDate"]), self._instant(attrs["endDate"])
            duration = attrs.get("duration")
            if duration is None:
                minutes = (end - start) / 60
            else:
                unit = attrs.get("durationUnit", "min")
                factor = MINUTES.get(unit)
                if factor is None:
                    raise BadRecord(f"unknown duration unit {unit!r}")
                minutes = _number(duration) * factor
            if end < start or minutes < 0:
                raise BadRecord("ends before it starts")
            self.workouts.append((start, end, minutes, self._day(attrs["startDate"], tz)))
        except BadRecord as exc:
            self.ignored[f"Workout: {exc}"] += 1
        except KeyError as exc:
            self.ignored[f"Workout: no {exc.args[0]} attribute"] += 1
        else:
            self.used += 1

    def _quantity(self, quantity: Quantity, attrs: Mapping[str, str], tz: str | None) -> None:
        unit = attrs.get("unit", "")
        factor = quantity.units.get(unit)
        if factor is None:
            raise BadRecord(f"unknown unit {unit!r}")
        value = _number(attrs["value"]) * factor
        if value < 0:
            raise BadRecord("negative value")
        day = self._day(attrs["startDate"], tz)
        if quantity.combine == "max_source":
            key3 = (quantity.metric, day, attrs.get("sourceName", ""))
            self.per_source[key3] = self.per_source.get(key3, 0.0) + value
        elif quantity.combine == "sum":
            key = (quantity.metric, day)
            self.sums[key] = self.sums.get(key, 0.0) + value
        else:
            acc = self.means.setdefault((quantity.metric, day), [0.0, 0.0])
            acc[0] += value
            acc[1] += 1

    def _sleep(self, attrs: Mapping[str, str], tz: str | None) -> None:
        if attrs["value"] not in ASLEEP:
            return
        start, end = self._instant(attrs["startDate"]), self._instant(attrs["endDate"])
        if end < start:
            raise BadRecord("ends before it starts")
        self.sleep.append((start, end, self._day(attrs["endDate"], tz)))

    def _mindful(self, attrs: Mapping[str, str], tz: str | None) -> None:
        start, end = self._instant(attrs["startDate"]), self._instant(attrs["endDate"])
        if end < start:
            raise BadRecord("ends before it starts")
        key = ("mindful_minutes", self._day(attrs["startDate"], tz), attrs.get("sourceName", ""))
        self.per_source[key] = self.per_source.get(key, 0.0) + (end - start) / 60

    def merge(self, other: DayBuilder) -> None:
        """Add what `other` collected from another part of the same export (see `_parts`)."""
        for key, total in other.sums.items():
            self.sums[key] = self.sums.get(key, 0.0) + total
        for key3, total in other.per_source.items():
            self.per_source[key3] = self.per_source.get(key3, 0.0) + total
        for key, (total, n) in other.means.items():
            acc = self.means.setdefault(key, [0.0, 0.0])
            acc[0] += total
            acc[1] += n
        self.sleep.extend(other.sleep)
        self.workouts.extend(other.workouts)
        self.used += other.used
        self.ignored.update(other.ignored)
        self.skipped_types |= other.skipped_types

    # -- time ----------------------------------------------------------------------------------

    def _day(self, stamp: str, tz: str | None) -> date:
        zone = self._zone(tz) if tz is not None else None
        if zone is None:
            key = stamp[:10]
            day = self._days.get(key)
            if day is None:
                day = self._days[key] = _parse_day(stamp)
            return day
        try:
            local = _parse_time(stamp).astimezone(zone).date()
        except (OverflowError, ValueError):
            raise BadRecord(f"date {stamp!r} is out of range") from None
        return _in_range(local, stamp)

    def _instant(self, stamp: str) -> float:
        try:
            return _parse_time(stamp).timestamp()
        except (OverflowError, ValueError):
            raise BadRecord(f"date {stamp!r} is out of range") from None

    def _zone(self, name: str) -> tzinfo | None:
        if name not in self._zones:
            try:
                self._zones[name] = ZoneInfo(name)
            except (ZoneInfoNotFoundError, ValueError):
                self._zones[name] = None
        return self._zones[name]

    # -- results -------------------------------------------------------------------------------

    def values(self) -> list[DayValue]:
        """Every day value found, sorted by day then metric."""
        out: dict[tuple[str, date], float] = dict(self.sums)
        for (metric, day, _source), total in self.per_source.items():
            slot = (metric, day)
            out[slot] = max(out.get(slot, total), total)
        for key, (total, n) in self.means.items():
            out[key] = total / n
        for night_day, seconds in _nights(self.sleep).items():
            out["sleep_hours", night_day] = seconds / 3600
        for workout_day, minutes in _workout_minutes(self.workouts).items():
            out["exercise_minutes", workout_day] = minutes
        return sorted(
            (DayValue(d, metric, round(v, 6)) for (metric, d), v in out.items()),
            key=lambda dv: (dv.day, METRICS.index(dv.metric)),
        )

    def summary(self, values: list[DayValue], bytes_read: int) -> ImportSummary:
        return ImportSummary.of(
            values,
            order=METRICS,
            bytes_read=bytes_read,
            records_used=self.used,
            ignored=self.ignored,
            skipped_types=sorted(self.skipped_types - USED_TYPES),
        )


def _nights(intervals: list[tuple[float, float, date]]) -> dict[date, float]:
    """Asleep seconds per day: merge overlaps, group into nights, credit each night's end day."""
    totals: dict[date, float] = {}
    night_asleep = 0.0
    cur_start = cur_end = 0.0
    end_day: date | None = None
    for start, end, day in sorted(intervals):
        if end_day is not None and start <= cur_end:
            if end > cur_end:
                cur_end, end_day = end, day
            continue
        if end_day is not None:
            night_asleep += cur_end - cur_start
            if start - cur_end >= NIGHT_GAP:
                totals[end_day] = totals.get(end_day, 0.0) + night_asleep
                night_asleep = 0.0
        cur_start, cur_end, end_day = start, end, day
    if end_day is not None:
        night_asleep += cur_end - cur_start
        totals[end_day] = totals.get(end_day, 0.0) + night_asleep
    return totals


def _workout_minutes(workouts: list[tuple[float, float, float, date]]) -> dict[date, float]:
    """Minutes per day; overlapping workouts (one session logged twice) count as their union."""
    totals: dict[date, float] = {}
    group: list[tuple[float, float, float, date]] = []
    group_end = 0.0

    def flush() -> None:
        if not group:
            return
        single = len(group) == 1
        minutes = group[0][2] if single else (max(w[1] for w in group) - group[0][0]) / 60
        totals[group[0][3]] = totals.get(group[0][3], 0.0) + minutes
        group.clear()

    for w in sorted(workouts):
        if group and w[0] < group_end:
            group.append(w)
            group_end = max(group_end, w[1])
            continue
        flush()
        group.append(w)
        group_end = w[1]
    flush()
    return totals


def _number(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise BadRecord(f"value {text!r} is not a number") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise BadRecord(f"value {text!r} is not a number")
    return value


def _parse_day(stamp: str) -> date:
    if _TIME.match(stamp) is None:
        raise BadRecord(f"unreadable date {stamp!r}")
    try:
        day = date.fromisoformat(stamp[:10])
    except ValueError:
        raise BadRecord(f"unreadable date {stamp!r}") from None
    return _in_range(day, stamp)


def _in_range(day: date, stamp: str) -> date:
    """Refuse days the diary cannot hold (a phone clock set to 1970 or to next year)."""
    if day < EARLIEST or day > date.today() + timedelta(days=1):
        raise BadRecord(f"date {stamp!r} is out of range")
    return day


_OFFSETS: dict[str, timezone] = {}


def _parse_time(stamp: str) -> datetime:
    m = _TIME.match(stamp)
    if m is None:
        raise BadRecord(f"unreadable date {stamp!r}")
    y, mo, d, h, mi, s, sign, oh, om = m.groups()
    off = f"{sign}{oh}{om}" if sign else "Z"
    zone = _OFFSETS.get(off)
    if zone is None:
        minutes = int(oh) * 60 + int(om) if sign else 0
        zone = _OFFSETS[off] = timezone(timedelta(minutes=-minutes if sign == "-" else minutes))
    try:
        return datetime(int(y), int(mo), int(d), int(h), int(mi), int(s), tzinfo=zone)
    except ValueError:
        raise BadRecord(f"unreadable date {stamp!r}") from None


def _short(kind: str) -> str:
    return kind.removeprefix(QTY).removeprefix(CAT)

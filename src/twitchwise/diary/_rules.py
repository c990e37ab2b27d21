"""The rules a twitch and a check-in must meet, in plain Python: the one copy both ways of
storing use.

`_validate` (the API, the CSV import, every `Diary` write) lets pydantic turn what it was given
into the right types ("3" into 3), then runs these rules as its field validators; the command
line's quick path (`_quick`) gets its values already typed from Typer and runs the same rules
without loading pydantic at all. Nothing here imports SQLAlchemy or pydantic.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Any

from twitchwise.engine._vocab import SITE_IDS, SYMPTOM_IDS

from ._entries import DAY_COLUMNS, CheckIn, DayValueLike
from ._errors import DiaryError, Problem

EARLIEST = date(1900, 1, 1)
INTENSITY = (1, 5)
COUNT = (1, 100_000)
DURATION_S = (0.0, 86_400.0)
NOTE_MAX = 5000


def utc_now() -> datetime:
    """Now, as the naive UTC the tables store."""
    return datetime.now(UTC).replace(tzinfo=None)


def no_nul(value: str | None) -> str | None:
    if value is not None and "\x00" in value:
        raise ValueError("contains a NUL character")
    return value


def check_site(site: str) -> str:
    if site not in SITE_IDS:
        raise ValueError(f"unknown site {site!r}; use one of {', '.join(SITE_IDS)}")
    return site


def _between(low: int, high: int) -> Callable[[int | None], int | None]:
    def check(value: int | None) -> int | None:
        if value is not None and not low <= value <= high:
            raise ValueError(f"must be {low} to {high:,} (got {value!r})")
        return value

    return check


def check_duration(seconds: float | None) -> float | None:
    if seconds is None:
        return None
    seconds = float(seconds)  # what pydantic makes of an int, so the words are the same
    if not (math.isfinite(seconds) and DURATION_S[0] <= seconds <= DURATION_S[1]):
        raise ValueError(f"must be 0 to 86,400 seconds (got {seconds!r})")
    return seconds


def check_note(note: str | None) -> str | None:
    if note is not None and len(note) > NOTE_MAX:
        raise ValueError(f"is longer than {NOTE_MAX:,} characters")
    return no_nul(note) or None


TWITCH_RULES: dict[str, Callable[[Any], Any]] = {
    "site": check_site,
    "intensity": _between(*INTENSITY),
    "count": _between(*COUNT),
    "duration_s": check_duration,
    "note": check_note,
}
"""Each field's rule: the clean value, or ValueError saying why not. The pydantic model of
`_validate` runs the same functions as its field validators."""


def twitch_rules(fields: Mapping[str, Any]) -> tuple[dict[str, Any], list[Problem]]:
    """Check typed twitch fields (see `plain_twitch`) against `TWITCH_RULES`; the clean
    values (defaults filled in) and a problem per field that breaks its rule."""
    clean: dict[str, Any] = {"intensity": None, "count": 1, "duration_s": None, "note": None}
    problems: list[Problem] = []
    for name, value in fields.items():
        try:
            clean[name] = TWITCH_RULES[name](value)
        except ValueError as exc:
            problems.append(Problem(name, str(exc)))
    return clean, problems


def plain_twitch(fields: Mapping[str, Any]) -> bool:
    """Whether `fields` already have the types `twitch_rules` takes (no conversion needed):
    what the command line passes. Anything else goes through pydantic first."""
    kinds: dict[str, tuple[type, ...]] = {
        "site": (str,),
        "intensity": (int, type(None)),
        "count": (int,),
        "duration_s": (float, int, type(None)),
        "note": (str, type(None)),
    }
    return "site" in fields and all(
        name in kinds and isinstance(value, kinds[name]) and not isinstance(value, bool)
        for name, value in fields.items()
    )


def normalize_time(value: datetime | str) -> tuple[datetime, bool]:
    """An aware time plus whether its offset was given (a naive time gets the machine's offset)."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.strip())
        except ValueError:
            raise ValueError(
                f"{value!r} is not an ISO 8601 time like 2026-03-02T17:50 or 2026-03-02T17:50+01:00"
            ) from None
    if not isinstance(value, datetime):
        raise ValueError(f"expected a date and time, got {type(value).__name__}")
    explicit = value.tzinfo is not None and value.utcoffset() is not None
    aware = value if explicit else value.astimezone()
    if not explicit and aware.replace(tzinfo=None) != value.replace(tzinfo=None):
        raise ValueError(
            f"{value:%Y-%m-%d %H:%M} did not exist on this computer's clock (it was put forward "
            "that night); give the time with its offset, e.g. 2026-03-29T02:30+01:00"
        )
    offset = aware.utcoffset() or timedelta(0)
    if offset % timedelta(minutes=1):
        raise ValueError("the offset must be whole minutes")
    if aware.date() < EARLIEST:
        raise ValueError(f"{aware.isoformat()} is before 1900")
    if aware - datetime.now().astimezone() > timedelta(days=1):
        raise ValueError(f"{aware.isoformat()} is in the future")
    return aware, explicit


def twitch_columns(clean: dict[str, Any]) -> dict[str, Any]:
    """Row columns from clean twitch fields (aware `time` -> UTC + offset + local day)."""
    columns = {k: v for k, v in clean.items() if k not in ("time", "explicit_offset")}
    if "time" in clean:
        time: datetime = clean["time"]
        offset = time.utcoffset() or timedelta(0)
        columns["at_utc"] = (time - offset).replace(tzinfo=None)
        columns["utc_offset_min"] = int(offset / timedelta(minutes=1))
        columns["local_day"] = time.date()
        columns["explicit_offset"] = clean["explicit_offset"]
    return columns


def check_day(value: date | str, field: str = "date") -> date:
    """A local day, not before 1900 and not after tomorrow; raises DiaryError naming `field`."""
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value.strip())
        except ValueError:
            raise DiaryError(field, f"{value!r} is not a date like 2026-03-02") from None
    if isinstance(value, datetime) or not isinstance(value, date):
        raise DiaryError(field, f"expected a date, got {type(value).__name__}")
    if value < EARLIEST:
        raise DiaryError(field, f"{value} is before 1900")
    if value > date.today() + timedelta(days=1):
        raise DiaryError(field, f"{value} is in the future")
    return value


CHECKIN_LIMITS: dict[str, tuple[float, float]] = {
    "sleep_hours": (0, 24),
    "caffeine_mg": (0, 5000),
    "alcohol_drinks": (0, 100),
    "water_litres": (0, 20),
    "stress_level": (0, 10),
    "exercise_minutes": (0, 1440),
}
NOTES_MAX = 10_000
MEDICATION_MAX = 200


def _within(low: float, high: float) -> Callable[[float | None], float | None]:
    def check(value: float | None) -> float | None:
        if value is None:
            return None
        value = float(value)  # what pydantic makes of an int, so the words are the same
        if not (math.isfinite(value) and low <= value <= high):
            raise ValueError(f"must be a number from {low:g} to {high:,g} (got {value!r})")
        return float(value)

    return check


def check_symptoms(symptoms: tuple[str, ...]) -> tuple[str, ...]:
    unknown = [s for s in symptoms if s not in SYMPTOM_IDS]
    if unknown:
        raise ValueError(
            f"unknown symptom {unknown[0]!r}; use ids like {', '.join(SYMPTOM_IDS[:6])}, ..."
        )
    return tuple(dict.fromkeys(symptoms))


def check_medications(meds: tuple[str, ...]) -> tuple[str, ...]:
    cleaned = tuple(m.strip() for m in meds if m.strip())
    for med in cleaned:
        if ";" in med:
            raise ValueError(f"{med!r}: a medication cannot contain ';' (it separates them)")
        if len(med) > MEDICATION_MAX:
            raise ValueError(f"a medication is longer than {MEDICATION_MAX} characters")
        no_nul(med)
    return cleaned


def check_notes(notes: str | None) -> str | None:
    if notes is not None and len(notes) > NOTES_MAX:
        raise ValueError(f"is longer than {NOTES_MAX:,} characters")
    return no_nul(notes) or None


CHECKIN_RULES: dict[str, Callable[[Any], Any]] = {
    **{name: _within(*limits) for name, limits in CHECKIN_LIMITS.items()},
    "symptoms": check_symptoms,
    "medications": check_medications,
    "notes": check_notes,
}
"""Each check-in field's rule (as `TWITCH_RULES`); `hard_exercise` and `no_twitches` are
plain yes/no, and the drinks are checked against the drink table by `_validate`."""
QUICK_CHECKIN_FIELDS = (*CHECKIN_LIMITS, "hard_exercise", "symptoms", "medications", "notes")
"""The fields, in the order problems are reported, that the quick path takes."""


def plain_checkin(values: Mapping[str, Any]) -> bool:
    """Whether `values` are check-in fields the quick path takes, already of their types
    (numbers, a yes/no, tuples of text, text): what the command line's flags give."""
    for name, value in values.items():
        if name in CHECKIN_LIMITS:
            ok = isinstance(value, int | float) and not isinstance(value, bool)
        elif name == "hard_exercise":
            ok = isinstance(value, bool)
        elif name in ("symptoms", "medications"):
            ok = isinstance(value, tuple) and all(isinstance(v, str) for v in value)
        elif name == "notes":
            ok = isinstance(value, str)
        else:
            ok = False
        if not ok:
            return False
    return True


def checkin_rules(values: Mapping[str, Any]) -> tuple[dict[str, Any], list[Problem]]:
    """Check typed check-in fields (see `plain_checkin`); clean values and problems."""
    clean: dict[str, Any] = {}
    problems: list[Problem] = []
    for name in QUICK_CHECKIN_FIELDS:
        if name not in values:
            continue
        rule = CHECKIN_RULES.get(name)
        try:
            clean[name] = rule(values[name]) if rule is not None else values[name]
        except ValueError as exc:
            problems.append(Problem(name, str(exc)))
    return clean, problems


def checkin_columns(values: dict[str, Any]) -> dict[str, Any]:
    """Row columns from clean check-in values (lists for the JSON columns)."""
    columns = dict(values)
    for name in ("symptoms", "medications"):
        if name in columns:
            columns[name] = list(columns[name])
    if "drinks" in columns:
        columns["drinks"] = dict(columns["drinks"]) or None
    return columns


def checkin_from(day: date, columns: Mapping[str, Any]) -> CheckIn:
    """The `CheckIn` of a stored row's columns (JSON columns already decoded)."""
    values = {name: columns[name] for name in DAY_COLUMNS}
    values["symptoms"] = tuple(values["symptoms"] or ())
    values["medications"] = tuple(values["medications"] or ())
    if values["hard_exercise"] is not None:
        values["hard_exercise"] = bool(values["hard_exercise"])
    drinks = tuple(sorted((str(k), float(v)) for k, v in (columns["drinks"] or {}).items()))
    return CheckIn(day=day, **values, drinks=drinks, no_twitches=bool(columns["no_twitches"]))


# -- imported day values ---------------------------------------------------------------------

_METRIC = re.compile(r"[a-z][a-z0-9_]{0,63}\Z")
SOURCE_MAX = 64


def check_day_value(metric: str, value: float) -> str | None:
    """Why an imported value is refused, or None when it is fine."""
    if not isinstance(metric, str) or not _METRIC.match(metric):
        return f"metric {metric!r} is not a lower_snake_case name"
    if isinstance(value, bool) or not isinstance(value, int | float):
        return f"{metric}: value {value!r} is not a number"
    if not math.isfinite(value) or value < 0:
        return f"{metric}: value {value!r} must be a finite number ≥ 0"
    return None


def raise_if(problems: Iterable[Problem]) -> None:
    found = list(problems)
    if found:
        raise DiaryError.from_problems(found)


DayKey = tuple[date, str]


def checked_day_values(values: Iterable[DayValueLike], source: str) -> dict[DayKey, float]:
    """An import's values by (day, metric), the last of a repeated pair counting; raises
    `DiaryError` naming the source or every bad value (``values[n]``, counted from 1)."""
    if not isinstance(source, str) or not source.strip() or len(source) > SOURCE_MAX:
        raise DiaryError("source", f"name the source in 1 to {SOURCE_MAX} characters")
    wanted: dict[DayKey, float] = {}
    problems = []
    for n, item in enumerate(values, start=1):
        reason = check_day_value(item.metric, item.value)
        try:
            check_day(item.day, field=f"values[{n}].day")
        except DiaryError as exc:
            problems.extend(exc.problems)
        if reason:
            problems.append(Problem(f"values[{n}]", reason))
        else:
            wanted[(item.day, item.metric)] = float(item.value)
    raise_if(problems)
    return wanted


def day_value_changes(
    stored: Mapping[DayKey, tuple[int, float]], wanted: Mapping[DayKey, float]
) -> tuple[list[tuple[DayKey, float]], list[tuple[int, float]], int]:
    """What storing `wanted` over a source's `stored` values ({key: (row id, value)}) takes:
    the new (key, value) pairs, the changed (row id, value) pairs, and how many are unchanged.
    Both ways of writing an import (`_bulk` and `_quick`) decide with this."""
    new: list[tuple[DayKey, float]] = []
    changed: list[tuple[int, float]] = []
    for key, value in wanted.items():
        old = stored.get(key)
        if old is None:
            new.append((key, value))
        elif old[1] != value:
            changed.append((old[0], value))
    return new, changed, len(wanted) - len(new) - len(changed)

"""The rules a twitch must meet, in plain Python: the one copy both ways of storing one use.

`_validate.check_twitch` (the API, the CSV import, every `Diary` write) first lets pydantic turn
what it was given into the right types ("3" into 3), then applies these rules; the command line's
quick path (`_quick`) gets its values already typed from Typer and applies the same rules without
loading pydantic at all. Neither imports SQLAlchemy or pydantic from here.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Any

from twitchwise.engine._vocab import SITE_IDS

from ._errors import Problem

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
    if not (math.isfinite(seconds) and DURATION_S[0] <= seconds <= DURATION_S[1]):
        raise ValueError(f"must be 0 to 86,400 seconds (got {seconds!r})")
    return float(seconds)


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

"""Times and days as people type them: ISO 8601, "now", "yesterday 21:30", "21:30", "2h ago"."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

from ._errors import DiaryError

_CLOCK = r"(?P<h>\d{1,2})[:.](?P<m>\d{2})"
_RELATIVE = re.compile(
    rf"^(?:(?P<day>today|yesterday)\s+)?{_CLOCK}(?:\s+(?P<after>today|yesterday))?$"
)
_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_AGO = re.compile(r"^(?P<n>\d+(?:\.\d+)?)\s*(?P<unit>m|min|mins|minutes?|h|hr|hrs|hours?)\s+ago$")
EXAMPLES = '"now", "21:30", "yesterday 21:30", "45 min ago" or 2026-03-02T21:30'


def parse_when(text: str, now: datetime | None = None, field: str = "at") -> datetime:
    """An aware time (the machine's offset unless the text gives one); never in the future."""
    system = now is None
    now = now or datetime.now().astimezone()
    raw = " ".join(text.strip().lower().split())
    found = _relative(raw, now, field)
    if found is None:
        try:
            found = datetime.fromisoformat(text.strip())
        except ValueError:
            raise DiaryError(field, f"{text!r} is not a time; try {EXAMPLES}") from None
        if _DATE_ONLY.match(raw):
            raise DiaryError(field, f"{text!r} has no time of day; try {raw}T21:30")
    if found.tzinfo is None:
        found = _local(found, field) if system else found.replace(tzinfo=now.tzinfo)
    if found > now + timedelta(minutes=5):
        hint = "; did you mean yesterday?" if found - now < timedelta(days=1) else ""
        raise DiaryError(field, f"{found:%Y-%m-%d %H:%M} is in the future{hint}")
    return found


def _local(naive: datetime, field: str) -> datetime:
    """`naive` in this computer's time zone; a time the clocks skipped (a DST gap) is refused
    rather than silently moved by an hour."""
    try:
        aware = naive.astimezone()
    except (OverflowError, ValueError, OSError):
        raise DiaryError(field, f"{naive:%Y-%m-%d %H:%M} is out of range") from None
    if aware.replace(tzinfo=None) != naive:
        raise DiaryError(
            field,
            f"{naive:%Y-%m-%d %H:%M} did not exist here (the clocks were put forward); "
            "give the time with its offset, e.g. 2026-03-29T02:30+01:00",
        )
    return aware


def _relative(raw: str, now: datetime, field: str) -> datetime | None:
    if raw == "now":
        return now.replace(microsecond=0)
    ago = _AGO.match(raw)
    if ago:
        hours = ago["unit"].startswith("h")
        amount = float(ago["n"])
        try:
            return now - (timedelta(hours=amount) if hours else timedelta(minutes=amount))
        except (OverflowError, ValueError):
            raise DiaryError(field, f"{raw!r} is too long ago for a twitch diary") from None
    clock = _RELATIVE.match(raw)
    if not clock:
        return None
    if clock["day"] and clock["after"]:
        raise DiaryError(field, f"{raw!r} names the day twice")
    hour, minute = int(clock["h"]), int(clock["m"])
    if hour > 23 or minute > 59:
        raise DiaryError(field, f"{raw!r} is not a time of day (00:00 to 23:59)")
    day = now.date() - timedelta(days=1 if "yesterday" in (clock["day"], clock["after"]) else 0)
    return datetime.combine(day, time(hour, minute))


def parse_day(text: str, today: date | None = None, field: str = "date") -> date:
    """A local day: "today", "yesterday" or YYYY-MM-DD."""
    today = today or date.today()
    raw = text.strip().lower()
    if raw == "today":
        return today
    if raw == "yesterday":
        return today - timedelta(days=1)
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise DiaryError(
            field, f"{text!r} is not a day; try today, yesterday or 2026-03-02"
        ) from None

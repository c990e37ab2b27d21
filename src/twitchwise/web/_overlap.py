"""Does an import cover days the diary knows? An Apple Health export from before the diary began
fills days the insights cannot use (they need the twitches of the same days), so say so."""

from __future__ import annotations

from datetime import date

from fastapi import Request


def diary_overlaps(request: Request, first: date | None, last: date | None) -> bool:
    """True when any twitch or check-in falls within [first, last] (or nothing to compare)."""
    diary = getattr(request.app.state, "diary", None)
    if diary is None or first is None or last is None:
        return True
    return bool(diary.list_checkins(first, last) or diary.list_twitches(first, last))

"""Checking entries before they are stored: one place, used by the API, the CLI and the CSV import.

Each check returns the clean values plus every problem found (not just the first), so that a file
import can report all bad cells at once.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
)

from ._drinks import drink_table
from ._entries import CHECKIN_EXTRAS, DAY_COLUMNS
from ._errors import DiaryError, Problem
from ._rules import CHECKIN_RULES, TWITCH_RULES, normalize_time
from ._rules import check_day as check_day  # re-exported: the CSV import uses it
from ._rules import check_day_value as check_day_value  # the CSV import and Diary use it
from ._rules import raise_if as raise_if


class _TwitchModel(BaseModel):
    """A twitch's fields: pydantic converts the types ("3" is 3), then each field meets its
    rule from `_rules.TWITCH_RULES`, the functions the command line's quick path runs too."""

    model_config = ConfigDict(extra="forbid")

    site: str
    intensity: int | None = None
    count: int = 1
    duration_s: float | None = None
    note: str | None = None

    @field_validator(*TWITCH_RULES)
    @classmethod
    def _rule(cls, value: Any, info: ValidationInfo) -> Any:
        assert info.field_name is not None
        return TWITCH_RULES[info.field_name](value)


class _CheckInModel(BaseModel):
    """A check-in's fields: pydantic converts the types, then each field meets its rule from
    `_rules.CHECKIN_RULES` (shared with the command line's quick path); drinks are checked
    against the drink table here."""

    model_config = ConfigDict(extra="forbid")

    sleep_hours: float | None = None
    caffeine_mg: float | None = None
    alcohol_drinks: float | None = None
    water_litres: float | None = None
    stress_level: float | None = None
    exercise_minutes: float | None = None
    hard_exercise: bool | None = Field(None, strict=True)
    symptoms: tuple[str, ...] = ()
    medications: tuple[str, ...] = ()
    notes: str | None = None
    drinks: tuple[tuple[str, float], ...] = ()
    no_twitches: bool = Field(False, strict=True)

    @field_validator(*CHECKIN_RULES)
    @classmethod
    def _rule(cls, value: Any, info: ValidationInfo) -> Any:
        assert info.field_name is not None
        return CHECKIN_RULES[info.field_name](value)

    @field_validator("drinks", mode="before")
    @classmethod
    def _drinks_as_pairs(cls, drinks: Any) -> Any:
        if isinstance(drinks, Mapping):
            return tuple(drinks.items())
        return () if drinks is None else drinks

    @field_validator("drinks")
    @classmethod
    def _known_drinks(cls, drinks: tuple[tuple[str, float], ...]) -> tuple[tuple[str, float], ...]:
        known = {d.id for d in drink_table().drinks}
        counted: dict[str, float] = {}
        for drink, count in drinks:
            if drink not in known:
                raise ValueError(f"unknown drink {drink!r}; use one of {', '.join(sorted(known))}")
            if not math.isfinite(count) or not 0 <= count <= 50:
                raise ValueError(f"{drink}: the number of drinks must be 0 to 50")
            if count:
                counted[drink] = count
        return tuple(sorted(counted.items()))


def _problems(exc: ValidationError) -> list[Problem]:
    problems = []
    for err in exc.errors():
        name = str(err["loc"][0]) if err["loc"] else "input"
        msg = err["msg"].removeprefix("Value error, ")
        if err["type"] not in ("value_error", "extra_forbidden"):
            msg = f"{msg} (got {err['input']!r})"
        if err["type"] == "extra_forbidden":
            msg = "is not a field of this entry"
        problems.append(Problem(name, msg))
    return problems


def check_twitch(values: Mapping[str, Any]) -> tuple[dict[str, Any], list[Problem]]:
    """Clean twitch fields (with `time` split into aware time + `explicit_offset`), or problems."""
    problems: list[Problem] = []
    rest = {k: v for k, v in values.items() if k != "time"}
    clean: dict[str, Any] = {}
    if "time" in values:
        try:
            clean["time"], clean["explicit_offset"] = normalize_time(values["time"])
        except ValueError as exc:
            problems.append(Problem("time", str(exc)))
    try:
        clean.update(_TwitchModel(**rest).model_dump())
    except ValidationError as exc:
        problems.extend(_problems(exc))
    return clean, problems


def check_checkin(values: Mapping[str, Any]) -> tuple[dict[str, Any], list[Problem]]:
    """Clean check-in columns (only those given), or problems naming each bad column."""
    try:
        model = _CheckInModel(**values)
    except ValidationError as exc:
        return {}, _problems(exc)
    wanted = (*DAY_COLUMNS, *CHECKIN_EXTRAS)
    return {k: getattr(model, k) for k in values if k in wanted}, []


def check_client_id(value: object) -> str | None:
    """A sender's id for an entry: None, or 1 to 64 printable characters without spaces."""
    if value is None:
        return None
    if not isinstance(value, str) or not 1 <= len(value) <= 64 or not value.isprintable():
        raise DiaryError("client_id", "must be 1 to 64 printable characters")
    if any(c.isspace() for c in value):
        raise DiaryError("client_id", "must not contain spaces")
    return value

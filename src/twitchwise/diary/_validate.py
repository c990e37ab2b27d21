"""Checking entries before they are stored: one place, used by the API, the CLI and the CSV import.

Each check returns the clean values plus every problem found (not just the first), so that a file
import can report all bad cells at once.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta
from typing import Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
)

from twitchwise.engine._vocab import SYMPTOM_IDS

from ._drinks import drink_table
from ._entries import CHECKIN_EXTRAS, DAY_COLUMNS
from ._errors import DiaryError, Problem
from ._rules import EARLIEST, TWITCH_RULES, normalize_time
from ._rules import no_nul as _no_nul

_METRIC = re.compile(r"[a-z][a-z0-9_]{0,63}\Z")


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
    model_config = ConfigDict(extra="forbid")

    sleep_hours: float | None = Field(None, ge=0, le=24, allow_inf_nan=False)
    caffeine_mg: float | None = Field(None, ge=0, le=5000, allow_inf_nan=False)
    alcohol_drinks: float | None = Field(None, ge=0, le=100, allow_inf_nan=False)
    water_litres: float | None = Field(None, ge=0, le=20, allow_inf_nan=False)
    stress_level: float | None = Field(None, ge=0, le=10, allow_inf_nan=False)
    exercise_minutes: float | None = Field(None, ge=0, le=1440, allow_inf_nan=False)
    hard_exercise: bool | None = Field(None, strict=True)
    symptoms: tuple[str, ...] = ()
    medications: tuple[str, ...] = ()
    notes: str | None = Field(None, max_length=10_000)
    drinks: tuple[tuple[str, float], ...] = ()
    no_twitches: bool = Field(False, strict=True)

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

    @field_validator("symptoms")
    @classmethod
    def _known_symptoms(cls, symptoms: tuple[str, ...]) -> tuple[str, ...]:
        unknown = [s for s in symptoms if s not in SYMPTOM_IDS]
        if unknown:
            raise ValueError(
                f"unknown symptom {unknown[0]!r}; use ids like {', '.join(SYMPTOM_IDS[:6])}, ..."
            )
        return tuple(dict.fromkeys(symptoms))

    @field_validator("medications")
    @classmethod
    def _clean_medications(cls, meds: tuple[str, ...]) -> tuple[str, ...]:
        cleaned = tuple(m.strip() for m in meds if m.strip())
        for med in cleaned:
            if ";" in med:
                raise ValueError(f"{med!r}: a medication cannot contain ';' (it separates them)")
            if len(med) > 200:
                raise ValueError("a medication is longer than 200 characters")
            _no_nul(med)
        return cleaned

    @field_validator("notes")
    @classmethod
    def _clean_notes(cls, notes: str | None) -> str | None:
        return _no_nul(notes) or None


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


def check_client_id(value: object) -> str | None:
    """A sender's id for an entry: None, or 1 to 64 printable characters without spaces."""
    if value is None:
        return None
    if not isinstance(value, str) or not 1 <= len(value) <= 64 or not value.isprintable():
        raise DiaryError("client_id", "must be 1 to 64 printable characters")
    if any(c.isspace() for c in value):
        raise DiaryError("client_id", "must not contain spaces")
    return value

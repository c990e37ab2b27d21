"""The case: one person's situation, as the engine judges it (docs/reference/case-format.md).

The model is strict on purpose: unknown keys, unknown ids, wrong types and impossible values are
refused with the field named, because a silently dropped answer could hide a red flag.
"""

from __future__ import annotations

import unicodedata

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    field_validator,
)

from ._vocab import ConditionId, Course, Sex, SiteId, SymptomId


class Factors(BaseModel):
    """Recent lifestyle; every key optional, and a missing key means unknown, never zero."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    sleep_hours: StrictFloat | None = Field(
        None, ge=0, le=24, description="typical hours of sleep a night"
    )
    caffeine_mg_per_day: StrictFloat | None = Field(
        None, ge=0, le=5000, description="mg of caffeine a day"
    )
    alcohol_drinks_per_week: StrictFloat | None = Field(
        None, ge=0, le=300, description="standard drinks a week"
    )
    water_litres_per_day: StrictFloat | None = Field(
        None, ge=0, le=20, description="litres of fluid a day"
    )
    stress_level: StrictFloat | None = Field(
        None, ge=0, le=10, description="0 (none) to 10 (extreme)"
    )
    exercise_hours_per_week: StrictFloat | None = Field(
        None, ge=0, le=100, description="hours of exercise a week"
    )
    hard_exercise_last_48h: StrictBool | None = Field(
        None, description="a hard or unusual workout in the last two days"
    )
    low_mineral_diet: StrictBool | None = Field(
        None, description="few leafy greens, fruit, nuts, seeds, dairy"
    )


class Case(BaseModel):
    """What the engine needs to judge; the batch form of the interview."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    age: StrictInt | None = Field(None, ge=0, le=130)
    sex: Sex | None = None
    sites: tuple[SiteId, ...] = Field(min_length=1, description="where the twitching is felt")
    duration_days: StrictFloat = Field(ge=0, le=36500, description="how long it has been going on")
    course: Course = "stable"
    tried_lifestyle_changes: StrictBool = False
    symptoms: frozenset[SymptomId] = frozenset()
    factors: Factors = Factors()
    medications: tuple[str, ...] = ()
    conditions: frozenset[ConditionId] = Field(
        frozenset(), description="kidney disease, heart failure, a fluid restriction, pregnancy"
    )
    weight_kg: StrictFloat | None = Field(
        None, gt=0, le=400, description="body weight, for limits per kg (children's caffeine)"
    )

    @field_validator("sites")
    @classmethod
    def _unique_sites(cls, sites: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(dict.fromkeys(sites))

    @field_validator("symptoms", "conditions", mode="before")
    @classmethod
    def _no_repeats(cls, value: object) -> object:
        if isinstance(value, list | tuple) and len(set(map(str, value))) != len(value):
            raise ValueError("lists the same id twice")
        return value

    @field_validator("medications")
    @classmethod
    def _clean_medications(cls, meds: tuple[str, ...]) -> tuple[str, ...]:
        cleaned = tuple(m.strip() for m in meds if m.strip())
        if any(len(m) > 200 for m in cleaned):
            raise ValueError("a medication name is longer than 200 characters")
        for med in cleaned:
            refuse_control_characters(med)
        return cleaned


def refuse_control_characters(text: str) -> str:
    """Refuse control and bidirectional-override characters: they can hide or reorder what a
    person (or their doctor) reads on screen."""
    for ch in text:
        if unicodedata.category(ch) in ("Cc", "Cf") and ch not in "\t\n\r":
            raise ValueError(f"contains a control or direction character (U+{ord(ch):04X})")
    return text

"""Schemas of the knowledge files. Loading validates every file, so a typo in an id, a missing
source or an unknown field stops the program at start-up instead of silently weakening advice."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from twitchwise._vocab import (
    ContributorId,
    Course,
    RedFlagId,
    SiteId,
    SymptomId,
    TriageName,
)

FactorName = Literal[
    "sleep_hours",
    "caffeine_mg_per_day",
    "alcohol_drinks_per_week",
    "alcohol_units_per_week",
    "water_litres_per_day",
    "stress_level",
    "exercise_hours_per_week",
]
BoolFactorName = Literal["hard_exercise_last_48h", "low_mineral_diet"]
MedicationClassId = Literal[
    "diuretic", "beta_agonist", "theophylline", "antidepressant", "adhd_stimulant", "lithium"
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Condition(_Strict):
    """All the given tests must hold; `any_of` needs one of its conditions to hold."""

    symptoms_any: tuple[SymptomId, ...] = ()
    no_symptoms: tuple[SymptomId, ...] = ()
    sites_any: tuple[SiteId, ...] = ()
    duration_days_over: float | None = None
    course_at_least: Course | None = None
    distinct_sites_at_least: int | None = None
    medication_classes_any: tuple[MedicationClassId, ...] = ()
    factor_over: dict[FactorName, float] = Field(default_factory=dict)
    factor_at_least: dict[FactorName, float] = Field(default_factory=dict)
    factor_under: dict[FactorName, float] = Field(default_factory=dict)
    factor_true: tuple[BoolFactorName, ...] = ()
    any_of: tuple[Condition, ...] = ()

    def case_fields(self) -> set[str]:
        """The case fields this condition reads, so a result can say where an answer came from."""
        named = {
            "symptoms": bool(self.symptoms_any or self.no_symptoms),
            "sites": bool(self.sites_any) or self.distinct_sites_at_least is not None,
            "duration_days": self.duration_days_over is not None,
            "course": self.course_at_least is not None,
            "medications": bool(self.medication_classes_any),
            "factors": bool(
                self.factor_over or self.factor_at_least or self.factor_under or self.factor_true
            ),
        }
        return {k for k, v in named.items() if v}.union(*(c.case_fields() for c in self.any_of))

    def tests_absence(self) -> bool:
        """True when the condition can hold *because* something is missing or low."""
        return bool(self.no_symptoms or self.factor_under) or any(
            c.tests_absence() for c in self.any_of
        )


class Source(_Strict):
    id: str
    title: str
    where: str


class Symptom(_Strict):
    id: SymptomId
    label: str


class Escalation(_Strict):
    when: Condition
    level: TriageName
    why: str
    source: str


class RedFlag(_Strict):
    id: RedFlagId
    question: str
    title: str
    when: Condition
    level: TriageName
    why: str
    advice: str
    source: str
    escalations: tuple[Escalation, ...] = ()


class Signal(_Strict):
    when: Condition
    weight: float = Field(gt=0)
    why: str
    source: str | None = None


class Cause(_Strict):
    id: ContributorId
    title: str
    explanation: str
    source: str
    signals: tuple[Signal, ...] = Field(min_length=1)


class Strategy(_Strict):
    id: str
    text: str
    text_unknown: str | None = None
    serves: tuple[ContributorId, ...] = ()
    triage: tuple[TriageName, ...] = Field(min_length=1)
    when: Condition | None = None
    source: str


class Drug(_Strict):
    generic: str
    brands: tuple[str, ...] = ()
    also: tuple[str, ...] = ()

    def names(self) -> tuple[str, ...]:
        return (self.generic, *self.brands, *self.also)


class MedicationClass(_Strict):
    id: MedicationClassId
    label: str
    why: str
    source: str
    drugs: tuple[Drug, ...] = Field(min_length=1)


class Constant(_Strict):
    id: str
    value: float
    why: str
    source: str


class Option(_Strict):
    value: str
    label: str


class Question(_Strict):
    id: str
    phase: Literal["emergency", "history", "red_flags", "lifestyle"]
    kind: Literal["yes_no", "multi", "sites", "number", "choice", "text_list"]
    text: str
    help: str | None = None
    field: str | None = None
    symptoms: tuple[SymptomId, ...] = ()
    options: tuple[Option | SymptomId, ...] = ()
    unit: str | None = None
    minimum: float | None = None
    maximum: float | None = None
    optional: bool = False
    stop_if_yes: bool = False
    ask_if: Condition | None = None


class ExperimentFactor(_Strict):
    """A change people commonly test, with what to do in each condition and how to check it."""

    key: str
    column: str = Field(description="the diary column that shows whether the change was kept")
    title: str
    usual: str = Field(description="what to do in A phases")
    change: str = Field(description="what to do in B phases")
    target: Literal["at_most", "at_least"]
    threshold: float
    unit: str
    source: str

"""Schemas of the knowledge files. Loading validates every file, so a typo in an id, a missing
source or an unknown field stops the program at start-up instead of silently weakening advice."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from twitchwise._vocab import (
    ConditionId,
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
    "caffeine_mg_per_kg_per_day",
]
BoolFactorName = Literal["hard_exercise_last_48h", "low_mineral_diet"]
MedicationClassId = Literal[
    "diuretic", "potassium_sparing_diuretic", "beta_agonist", "theophylline", "antidepressant",
    "adhd_stimulant", "lithium", "serotonergic_other", "potassium_keeping", "phosphate_binder",
    "potassium_binder", "heart_failure_medicine", "not_a_cause",
]  # fmt: skip
MedicationTag = Literal["serotonergic", "potassium_keeping"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Condition(_Strict):
    """All the given tests must hold; `any_of` needs one of its conditions to hold."""

    symptoms_any: tuple[SymptomId, ...] = ()
    no_symptoms: tuple[SymptomId, ...] = ()
    sites_any: tuple[SiteId, ...] = ()
    no_sites: tuple[SiteId, ...] = ()
    duration_days_over: float | None = None
    course_at_least: Course | None = None
    distinct_sites_at_least: int | None = None
    medication_classes_any: tuple[MedicationClassId, ...] = ()
    factor_over: dict[FactorName, float] = Field(default_factory=dict)
    factor_at_least: dict[FactorName, float] = Field(default_factory=dict)
    factor_under: dict[FactorName, float] = Field(default_factory=dict)
    factor_true: tuple[BoolFactorName, ...] = ()
    conditions_any: tuple[ConditionId, ...] = ()
    no_conditions: tuple[ConditionId, ...] = ()
    medication_tags_any: tuple[MedicationTag, ...] = ()
    no_medication_tags: tuple[MedicationTag, ...] = ()
    drugs_tagged_at_least: dict[MedicationTag, int] = Field(default_factory=dict)
    age_under: int | None = Field(None, description="holds only when the age is known and lower")
    age_at_least: int | None = Field(None, description="holds only when the age is known")
    age_not_under: int | None = Field(None, description="holds when the age is unknown or this")
    age_unknown: bool = False
    weight_known: bool | None = None
    medications_unrecognised: bool = False
    any_of: tuple[Condition, ...] = ()

    def case_fields(self) -> set[str]:
        """The case fields this condition reads, so a result can say where an answer came from."""
        named = {
            "symptoms": bool(self.symptoms_any or self.no_symptoms),
            "sites": bool(self.sites_any or self.no_sites)
            or self.distinct_sites_at_least is not None,
            "duration_days": self.duration_days_over is not None,
            "course": self.course_at_least is not None,
            "medications": bool(
                self.medication_classes_any
                or self.medication_tags_any
                or self.no_medication_tags
                or self.drugs_tagged_at_least
                or self.medications_unrecognised
            ),
            "conditions": bool(self.conditions_any or self.no_conditions),
            "age": self.age_under is not None
            or self.age_at_least is not None
            or self.age_not_under is not None
            or self.age_unknown,
            "weight_kg": self.weight_known is not None,
            "factors": bool(
                self.factor_over or self.factor_at_least or self.factor_under or self.factor_true
            ),
        }
        return {k for k, v in named.items() if v}.union(*(c.case_fields() for c in self.any_of))

    def tests_absence(self) -> bool:
        """True when the condition can hold *because* something is missing or low."""
        return bool(
            self.no_symptoms
            or self.no_sites
            or self.factor_under
            or self.no_conditions
            or self.no_medication_tags
            or self.age_under is not None
            or self.age_not_under is not None
            or self.age_unknown
            or self.weight_known is False
        ) or any(c.tests_absence() for c in self.any_of)


class Source(_Strict):
    id: str
    title: str
    where: str


class Symptom(_Strict):
    id: SymptomId
    label: str


class Escalation(_Strict):
    """Raises a red flag further; at urgent or above it must say what to do today (`advice`)."""

    when: Condition
    level: TriageName
    why: str
    source: str
    advice: str | None = None


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


class Combination(_Strict):
    """A product of two or more drugs sold under one name ("Moduretic", "co-amilofruse")."""

    names: tuple[str, ...] = Field(min_length=1)
    parts: tuple[str, ...] = Field(min_length=2, description="generic names of the drugs in it")
    source: str


class PlainName(_Strict):
    """Words people use instead of a drug's name ("my water tablet", "blue inhaler")."""

    words: tuple[str, ...] = Field(min_length=1)
    means: str = Field(description="the generic name, or `class:<id>` for a class in general")
    source: str


class MedicationClass(_Strict):
    """Drugs of one kind. `causes_twitching` classes raise the medicine red flag; the others are
    known so that they are not reported as unrecognised, or because they change the advice
    (`tags`, and `implies` a condition such as kidney disease)."""

    id: MedicationClassId
    label: str
    why: str
    source: str
    names_source: str = Field(description="the formulary the names were taken from")
    causes_twitching: bool = True
    tags: tuple[MedicationTag, ...] = ()
    implies: tuple[ConditionId, ...] = ()
    drugs: tuple[Drug, ...] = Field(min_length=1)


class MedicationKnowledge(_Strict):
    """medications.yaml: the classes, the combination products and the plain names."""

    classes: tuple[MedicationClass, ...]
    combinations: tuple[Combination, ...] = ()
    plain_names: tuple[PlainName, ...] = ()


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
    taper: str | None = Field(
        None, description="what to do on the days tapered into B, for a change best made gradually"
    )
    taper_source: str | None = None

"""A case plus what the engine derives from it once, shared by triage, contributors and plan."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from twitchwise.knowledge import Condition, load_knowledge

from ._case import Case
from ._medications import MedicationMatch, match_medications
from ._vocab import course_rank, site_label


@dataclass(frozen=True)
class CaseContext:
    """The case with its medicines matched and its factors in every unit a rule may use."""

    case: Case
    matches: list[MedicationMatch] = field(default_factory=list)

    @classmethod
    def of(cls, case: Case) -> CaseContext:
        return cls(case, match_medications(case.medications))

    @cached_property
    def factors(self) -> dict[str, float]:
        """Known numeric factors, plus alcohol in UK units; unknown ones are absent."""
        known = {
            k: float(v)
            for k, v in self.case.factors.model_dump().items()
            if v is not None and not isinstance(v, bool)
        }
        if "alcohol_drinks_per_week" in known:
            units = load_knowledge().constant("uk_units_per_standard_drink")
            known["alcohol_units_per_week"] = known["alcohol_drinks_per_week"] * units
        return known

    @cached_property
    def medication_classes(self) -> frozenset[str]:
        return frozenset(m.med_class.id for m in self.matches)

    def medications_text(self, classes: tuple[str, ...] = ()) -> str:
        """The typed medicines of the given classes (all recognised ones if none given)."""
        typed = [m.typed for m in self.matches if not classes or m.med_class.id in classes]
        return " and ".join(dict.fromkeys(typed))

    def template_values(self) -> dict[str, object]:
        return {**self.factors, "medications": self.medications_text()}

    @cached_property
    def flags(self) -> dict[str, bool | None]:
        """The boolean factors (None when unknown)."""
        return {
            "hard_exercise_last_48h": self.case.factors.hard_exercise_last_48h,
            "low_mineral_diet": self.case.factors.low_mineral_diet,
        }

    def holds(self, cond: Condition) -> bool:
        """Whether every test in `cond` holds for this case (unknown factors never hold).

        Tests run cheapest first and stop at the first that fails: the engine asks this about
        fifty times per case, and the web API's throughput depends on it.
        """
        case, factors = self.case, self.factors
        if cond.symptoms_any and case.symptoms.isdisjoint(cond.symptoms_any):
            return False
        if cond.no_symptoms and not case.symptoms.isdisjoint(cond.no_symptoms):
            return False
        if cond.sites_any and set(case.sites).isdisjoint(cond.sites_any):
            return False
        if cond.duration_days_over is not None and case.duration_days <= cond.duration_days_over:
            return False
        if cond.course_at_least is not None and course_rank(case.course) < course_rank(
            cond.course_at_least
        ):
            return False
        if cond.distinct_sites_at_least is not None and len(case.sites) < (
            cond.distinct_sites_at_least
        ):
            return False
        if cond.medication_classes_any and self.medication_classes.isdisjoint(
            cond.medication_classes_any
        ):
            return False
        if not all(k in factors and factors[k] > v for k, v in cond.factor_over.items()):
            return False
        if not all(k in factors and factors[k] >= v for k, v in cond.factor_at_least.items()):
            return False
        if not all(k in factors and factors[k] < v for k, v in cond.factor_under.items()):
            return False
        if not all(self.flags.get(k) is True for k in cond.factor_true):
            return False
        return not cond.any_of or any(self.holds(c) for c in cond.any_of)

    def describe(self, cond: Condition) -> str:
        """The person's own answers that make `cond` hold, in words."""
        kb = load_knowledge()
        case = self.case
        parts: list[str] = []
        parts += [kb.symptoms[s].label for s in cond.symptoms_any if s in case.symptoms]
        parts += [f"twitching in your {site_label(s)}" for s in cond.sites_any if s in case.sites]
        if cond.duration_days_over is not None:
            parts.append(f"twitching for {case.duration_days:g} days")
        if cond.course_at_least is not None:
            parts.append("it is getting worse")
        if cond.distinct_sites_at_least is not None:
            parts.append("twitching in " + _join([site_label(s) for s in case.sites]))
        if cond.medication_classes_any:
            parts.append(f"you take {self.medications_text(cond.medication_classes_any)}")
        parts += [self.describe(c) for c in cond.any_of if self.holds(c)][:1]
        return "; ".join(p for p in parts if p)


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]

"""A case plus what the engine derives from it once, shared by triage, contributors and plan."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from twitchwise.knowledge import Condition, load_knowledge

from ._case import Case
from ._medications import MedicationMatch, Recognition, recognise_all
from ._vocab import course_rank, site_label


@dataclass(frozen=True)
class CaseContext:
    """The case with its medicines matched and its factors in every unit a rule may use."""

    case: Case
    recognition: Recognition = field(default_factory=Recognition)

    @classmethod
    def of(cls, case: Case) -> CaseContext:
        return cls(case, recognise_all(case.medications))

    @property
    def matches(self) -> list[MedicationMatch]:
        """The recognised medicines that can cause twitching."""
        return [m for m in self.recognition.matches if m.med_class.causes_twitching]

    @cached_property
    def medication_tags(self) -> dict[str, int]:
        """Each medicine tag (serotonergic, potassium_keeping) -> how many drugs have it."""
        drugs: dict[str, set[str]] = {}
        for m in self.recognition.matches:
            for tag in m.med_class.tags:
                drugs.setdefault(tag, set()).add(m.drug)
        return {tag: len(names) for tag, names in drugs.items()}

    @cached_property
    def conditions(self) -> frozenset[str]:
        """The conditions the person named, and those their medicines imply."""
        implied = {c for m in self.recognition.matches for c in m.med_class.implies}
        return self.case.conditions | implied

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
        if "caffeine_mg_per_day" in known and self.case.weight_kg is not None:
            known["caffeine_mg_per_kg_per_day"] = known["caffeine_mg_per_day"] / self.case.weight_kg
        return known

    @cached_property
    def medication_classes(self) -> frozenset[str]:
        return frozenset(m.med_class.id for m in self.recognition.matches)

    def medications_text(self, classes: tuple[str, ...] = ()) -> str:
        """The typed medicines of the given classes (those that can cause twitching if none
        given), each with its generic name when a brand was typed."""
        chosen = self.recognition.matches if classes else self.matches
        shown = [m.shown for m in chosen if not classes or m.med_class.id in classes]
        return _join(list(dict.fromkeys(shown))) if shown else ""

    def template_values(self) -> dict[str, object]:
        caffeine = self.factors.get("caffeine_mg_per_day")
        return {
            **self.factors,
            "medications": self.medications_text(),
            "diuretics": self.medications_text(("diuretic", "potassium_sparing_diuretic")),
            "low_potassium_diuretics": self.medications_text(("diuretic",)),
            "unrecognised": "; ".join(f"“{u}”" for u in self.recognition.unrecognised),
            "age": self.case.age if self.case.age is not None else "",
            "weight_kg": self.case.weight_kg if self.case.weight_kg is not None else "",
            "child_caffeine_limit_mg": (
                3 * self.case.weight_kg if self.case.weight_kg is not None else ""
            ),
            "caffeine_limit_weight_kg": caffeine / 3 if caffeine is not None else "",
        }

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
        if cond.no_sites and not set(case.sites).isdisjoint(cond.no_sites):
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
        if not self._holds_person(cond):
            return False
        return not cond.any_of or any(self.holds(c) for c in cond.any_of)

    def _holds_person(self, cond: Condition) -> bool:
        """The tests about the person: conditions, medicine tags, age and weight."""
        if cond.conditions_any and self.conditions.isdisjoint(cond.conditions_any):
            return False
        if cond.no_conditions and not self.conditions.isdisjoint(cond.no_conditions):
            return False
        tags = self.medication_tags
        if cond.medication_tags_any and not any(t in tags for t in cond.medication_tags_any):
            return False
        if any(t in tags for t in cond.no_medication_tags):
            return False
        if not all(tags.get(t, 0) >= n for t, n in cond.drugs_tagged_at_least.items()):
            return False
        age = self.case.age
        if cond.age_under is not None and (age is None or age >= cond.age_under):
            return False
        if cond.age_at_least is not None and (age is None or age < cond.age_at_least):
            return False
        if cond.age_not_under is not None and age is not None and age < cond.age_not_under:
            return False
        if cond.age_unknown and age is not None:
            return False
        if cond.medications_unrecognised and not self.recognition.unrecognised:
            return False
        return cond.weight_known is None or cond.weight_known == (self.case.weight_kg is not None)

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
        if cond.drugs_tagged_at_least or cond.medication_tags_any:
            tagged = [m.shown for m in self.recognition.matches if m.med_class.tags]
            parts.append("you take " + _join(list(dict.fromkeys(tagged))))
        if cond.conditions_any:
            named = [c.replace("_", " ") for c in cond.conditions_any if c in self.conditions]
            parts.append("you have " + _join(named))
        if cond.medications_unrecognised and self.recognition.unrecognised:
            parts.append("a medicine we could not recognise")
        if cond.age_at_least is not None and self.case.age is not None:
            parts.append(f"you are {self.case.age}")
        parts += [
            f"about {self.factors[k]:.0f} mg of caffeine a day"
            for k in cond.factor_at_least
            if k == "caffeine_mg_per_day" and k in self.factors
        ]
        parts += [self.describe(c) for c in cond.any_of if self.holds(c)][:1]
        return "; ".join(p for p in parts if p)


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]

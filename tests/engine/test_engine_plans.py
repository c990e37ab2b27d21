"""Plans agree with the triage and with the person: no reassurance beside serious signs, no
'book an appointment' at urgent, no exercise advice with dark urine, no fluid or potassium advice
where a condition forbids it, and no adult limits for a child."""

from __future__ import annotations

from hypothesis import given, settings

from twitchwise.engine import Assessment, Case, Triage, assess
from twitchwise.engine._context import CaseContext

from .conftest import cases

SERIOUS = {"weakness", "muscle_wasting", "difficulty_moving", "falls", "speech_changes",
           "swallowing_changes", "gradual_breathlessness", "breathless_lying_flat"}  # fmt: skip
FLUID_ADVICE = {"hydrate", "hydrate_child", "replenish_electrolytes"}
ADULT_ONLY = {"cut_caffeine", "sleep_more", "reduce_alcohol", "hydrate"}


def lines(result: Assessment) -> list[str]:
    return [p.text for p in result.plan] + [f.advice for f in result.red_flag_details]


@settings(max_examples=300, deadline=None)
@given(cases())
def test_plans_agree_with_the_triage(case: Case) -> None:
    result = assess(case)
    plan_ids = {p.id for p in result.plan}
    triage = Triage.parse(result.triage)
    if triage >= Triage.URGENT or SERIOUS & case.symptoms or "tongue" in case.sites:
        assert "usually_harmless" not in plan_ids
    if triage is Triage.URGENT:
        assert not [t for t in lines(result) if "book an appointment" in t.lower()]
        assert result.plan[0].text.lower().find("today") >= 0
    if "dark_urine" in case.symptoms:
        assert not {"recover_from_exercise", "gentle_stretching"} & plan_ids


@settings(max_examples=300, deadline=None)
@given(cases())
def test_plans_fit_the_person(case: Case) -> None:
    result = assess(case)
    plan_ids = {p.id for p in result.plan}
    ctx = CaseContext.of(case)
    limited = ctx.conditions & {"kidney_disease", "heart_failure", "fluid_restriction"}
    if limited or "potassium_keeping" in ctx.medication_tags:
        assert not FLUID_ADVICE & plan_ids
    if case.age is not None and case.age < 18:
        assert not ADULT_ONLY & plan_ids
        assert all("adults need" not in c.why for c in result.contributors)
    if case.age is None and result.triage != "emergency":
        assert "adult_advice_note" in plan_ids
    if not case.factors.hard_exercise_last_48h:
        assert "overexertion" not in {c.id for c in result.contributors}


@settings(max_examples=200, deadline=None)
@given(cases())
def test_low_potassium_wording_names_only_diuretics(case: Case) -> None:
    for c in assess(case).contributors:
        if c.why.startswith("Diuretics such as"):
            named = c.why.removeprefix("Diuretics such as ")
            assert "Ventolin" not in named and "sertraline" not in named and "lithium" not in named


@settings(max_examples=100, deadline=None)
@given(cases())
def test_unrecognised_medicines_are_reported_never_dropped(case: Case) -> None:
    result = assess(case)
    typed = " ".join(case.medications)
    if "Zyxorol" in typed:
        assert "Zyxorol 10mg" in result.unrecognised_medications
        if result.triage != "emergency":
            assert {"check_unrecognised_medicines", "check_unrecognised_medicines_today"} & {
                p.id for p in result.plan
            }
    else:
        assert result.unrecognised_medications == []

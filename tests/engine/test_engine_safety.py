"""Safety properties: a worrying answer never lowers the triage; emergency signs always win."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from twitchwise.engine import Case, Triage, assess
from twitchwise.engine._vocab import COURSES, SITE_IDS, SYMPTOM_IDS, course_rank

from .conftest import CONDITIONS, MEDICINES, cases

EMERGENCY_SIGNS = ["breathing_difficulty", "sudden_one_sided_weakness", "sudden_speech_loss",
                   "chemical_exposure"]  # fmt: skip


def level(case: Case) -> Triage:
    return Triage.parse(assess(case).triage)


def with_(case: Case, **changes: object) -> Case:
    return Case.model_validate({**case.model_dump(), **changes})


@settings(max_examples=300, deadline=None)
@given(cases(), st.sampled_from(SYMPTOM_IDS))
def test_adding_a_symptom_never_lowers_triage(case: Case, symptom: str) -> None:
    more = with_(case, symptoms=sorted(case.symptoms | {symptom}))
    assert level(more) >= level(case)


@settings(max_examples=200, deadline=None)
@given(cases(), st.floats(0, 400))
def test_longer_duration_never_lowers_triage(case: Case, extra: float) -> None:
    assert level(with_(case, duration_days=case.duration_days + extra)) >= level(case)


@settings(max_examples=200, deadline=None)
@given(cases(), st.sampled_from(COURSES))
def test_worse_course_never_lowers_triage(case: Case, course: str) -> None:
    if course_rank(course) >= course_rank(case.course):
        assert level(with_(case, course=course)) >= level(case)


@settings(max_examples=200, deadline=None)
@given(cases(), st.sampled_from(SITE_IDS))
def test_another_site_never_lowers_triage(case: Case, site: str) -> None:
    assert level(with_(case, sites=[*case.sites, site])) >= level(case)


@settings(max_examples=200, deadline=None)
@given(cases(), st.sampled_from(["Lasix 40 mg", "ProAir HFA", "ibuprofen", "Zoloft"]))
def test_another_medicine_never_lowers_triage(case: Case, medicine: str) -> None:
    assert level(with_(case, medications=[*case.medications, medicine])) >= level(case)


@settings(max_examples=200, deadline=None)
@given(cases(), st.sampled_from(EMERGENCY_SIGNS))
def test_emergency_signs_always_give_emergency(case: Case, sign: str) -> None:
    result = assess(with_(case, symptoms=sorted(case.symptoms | {sign})))
    assert result.triage == "emergency"
    assert sign in result.red_flags
    assert result.headline.startswith("Call your emergency number now")


@settings(max_examples=200, deadline=None)
@given(cases())
def test_every_raised_triage_is_explained(case: Case) -> None:
    result = assess(case)
    if result.triage != "self_care":
        assert result.red_flags, "a raised triage must name the red flag behind it"
        assert max(Triage.parse(f.level) for f in result.red_flag_details) == Triage.parse(
            result.triage
        )
    assert all(f.answer for f in result.red_flag_details)


@settings(max_examples=200, deadline=None)
@given(cases(), st.sampled_from(CONDITIONS))
def test_another_condition_never_lowers_triage(case: Case, condition: str) -> None:
    more = with_(case, conditions=sorted(case.conditions | {condition}))
    assert level(more) >= level(case)


@settings(max_examples=200, deadline=None)
@given(cases(), st.sampled_from(MEDICINES))
def test_any_medicine_string_never_lowers_triage(case: Case, medicine: str) -> None:
    assert level(with_(case, medications=[*case.medications, medicine])) >= level(case)


@settings(max_examples=200, deadline=None)
@given(cases(), st.floats(0, 3000))
def test_more_caffeine_never_lowers_triage(case: Case, extra: float) -> None:
    now = case.factors.caffeine_mg_per_day or 0.0
    factors = {**case.factors.model_dump(exclude_none=True), "caffeine_mg_per_day": now + extra}
    assert level(with_(case, factors=factors)) >= level(case)


@settings(max_examples=200, deadline=None)
@given(cases(), st.integers(0, 110), st.floats(5, 150))
def test_age_and_weight_never_change_the_triage(case: Case, age: int, weight: float) -> None:
    """The red flags do not depend on age: a child is never triaged lower than an adult."""
    assert level(with_(case, age=age, weight_kg=weight)) == level(with_(case, age=None))

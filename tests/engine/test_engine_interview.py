"""The adaptive interview: order, skipping, back, bad answers, and the case it builds."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from twitchwise.engine.interview import AnswerError, Interview

CALM = {
    "breathing": "no", "stroke_weakness": "no", "stroke_speech": "no", "chemicals": "no",
    "sites": ["left_thigh"], "duration_days": "5", "course": "stable",
    "same_day_signs": ["none"], "neuro_signs": ["none"], "local_signs": ["none"],
    "medications": "none", "fluid_loss": ["none"], "mnd_signs": ["none"], "conditions": ["none"],
}  # fmt: skip


def run(iv: Interview, answers: dict[str, object]) -> list[str]:
    asked = []
    while (q := iv.next_question()) is not None:
        asked.append(q.id)
        iv.answer(q.id, answers.get(q.id, "skip"))  # type: ignore[arg-type]
    return asked


def test_emergency_questions_are_asked_first() -> None:
    asked = run(Interview(), CALM)
    assert asked[:4] == ["breathing", "stroke_weakness", "stroke_speech", "chemicals"]
    assert "sleep_hours" in asked


def test_an_emergency_answer_ends_the_interview() -> None:
    iv = Interview()
    iv.answer("breathing", "no")
    iv.answer("stroke_weakness", "yes")
    assert iv.next_question() is None
    result = iv.assessment()
    assert result.triage == "emergency"
    assert result.red_flags[0] == "sudden_one_sided_weakness"


def test_calm_answers_give_self_care() -> None:
    iv = Interview()
    run(iv, {**CALM, "sleep_hours": "5"})
    result = iv.assessment()
    assert result.triage == "self_care"
    assert [c.id for c in result.contributors] == ["sleep_deprivation"]


def test_back_asks_the_last_question_again() -> None:
    iv = Interview()
    iv.answer("breathing", "no")
    iv.answer("stroke_weakness", "no")
    iv.back()
    q = iv.next_question()
    assert q is not None and q.id == "stroke_weakness"


def test_known_diary_facts_skip_their_questions_but_never_emergency_ones() -> None:
    known = {"sites": ["left_thigh", "right_thigh"], "duration_days": 17, "course": "worsening",
             "factors": {"sleep_hours": 6.0}}  # fmt: skip
    iv = Interview(known=known)
    asked = run(iv, CALM)
    assert asked[:4] == ["breathing", "stroke_weakness", "stroke_speech", "chemicals"]
    assert not {"sites", "duration_days", "course", "sleep_hours"} & set(asked)
    assert "tried_lifestyle_changes" in asked
    assert {"persistent", "worsening", "widespread"} <= set(iv.assessment().red_flags)


def test_diary_facts_cannot_rule_a_red_flag_out() -> None:
    """Twitching may have begun before the diary, or be felt where nothing was logged."""
    known = {"sites": ["left_thigh"], "duration_days": 4, "course": "stable"}
    iv = Interview(known=known)
    asked = run(iv, {**CALM, "sites": ["right_calf"], "duration_days": "30", "course": "improving"})
    assert {"sites", "duration_days", "course"} <= set(asked)
    case = iv.to_case()
    assert case.sites == ("left_thigh", "right_calf")
    assert case.duration_days == 30
    assert case.course == "stable"
    assert {"persistent", "widespread"} <= set(iv.assessment().red_flags)


def test_a_question_that_no_longer_matters_is_skipped() -> None:
    asked = run(Interview(), CALM)
    assert "tried_lifestyle_changes" not in asked
    asked = run(Interview(), {**CALM, "duration_days": "30"})
    assert "tried_lifestyle_changes" in asked


@pytest.mark.parametrize(
    ("qid", "raw", "message"),
    [
        ("breathing", "perhaps not", "if you are not sure, answer yes"),
        ("breathing", "", "yes or no"),
        ("sites", "", "at least one"),
        ("sites", "knee", "which side"),
        ("sites", "elbow", "not one of the choices"),
        ("duration_days", "a while", "enter a number"),
        ("duration_days", "-3", "at least 0"),
        ("sleep_hours", "30", "at most 24"),
        ("sleep_hours", "nan", "NaN is not a number"),
        ("neuro_signs", "", '"none"'),
        ("neuro_signs", "none, weakness", "cannot be combined"),
        ("course", "9", "choose one of"),
        ("nonsense", "yes", "unknown question"),
    ],
)
def test_bad_answers_name_the_question(qid: str, raw: str, message: str) -> None:
    with pytest.raises(AnswerError) as err:
        Interview().answer(qid, raw)
    assert err.value.field == qid
    assert message in err.value.message


def test_safety_questions_cannot_be_skipped() -> None:
    iv = Interview()
    with pytest.raises(AnswerError):
        iv.answer("breathing", "skip")
    with pytest.raises(AnswerError):
        iv.answer("neuro_signs", "don't know")


def test_answers_survive_a_round_trip_through_json() -> None:
    iv = Interview()
    run(iv, {**CALM, "neuro_signs": "weakness", "caffeine_mg_per_day": "450"})
    rebuilt = Interview(json.loads(json.dumps(iv.answers)))
    assert rebuilt.is_complete
    assert rebuilt.to_case() == iv.to_case()
    assert rebuilt.assessment().triage == "doctor"


def test_case_is_not_available_before_the_end() -> None:
    with pytest.raises(AnswerError, match="not answered"):
        Interview().to_case()


def test_progress_counts_up() -> None:
    iv = Interview()
    done, total = iv.progress
    assert done == 0 and total > 10
    iv.answer("breathing", "no")
    assert iv.progress[0] == 1


@settings(max_examples=60)
@given(st.sets(st.sampled_from(["weakness", "muscle_wasting", "speech_changes", "cramping"])))
def test_selected_symptoms_reach_the_case(symptoms: set[str]) -> None:
    iv = Interview()
    run(iv, {**CALM, "neuro_signs": sorted(symptoms & {"weakness", "muscle_wasting",
                                                     "speech_changes"}) or ["none"],
             "local_signs": ["cramping"] if "cramping" in symptoms else ["none"]})  # fmt: skip
    assert iv.to_case().symptoms == symptoms


def test_told_leaves_out_history_an_emergency_stopped_us_asking() -> None:
    iv = Interview(known={"sites": ["right_calf"]})
    iv.answer("breathing", "yes")
    told = iv.told()
    assert told["sites"] == ["right_calf"]
    assert "duration_days" not in told and "course" not in told
    assert told["symptoms"] == ["breathing_difficulty"]
    calm = Interview()
    run(calm, CALM)
    assert calm.told()["duration_days"] == 5


@pytest.mark.parametrize("unsure", ["not sure", "Maybe", "don't know", "unsure"])
def test_not_sure_to_an_emergency_question_counts_as_yes(unsure: str) -> None:
    iv = Interview()
    iv.answer("breathing", unsure)
    assert iv.next_question() is None
    assert iv.assessment().triage == "emergency"


@pytest.mark.parametrize(
    ("qid", "typed", "expected"),
    [
        ("course", "getting worse", "worsening"),
        ("course", "Worse", "worsening"),
        ("course", "about the same", "stable"),
        ("neuro_signs", "no", ["none"]),
        ("sites", "back", ["back"]),
        ("sites", "left thigh, above my right knee", ["left_thigh", "right_thigh"]),
        ("sites", "tongue; right calf", ["tongue", "right_calf"]),
        ("medications", "Lasix 40mg\nVentolin", ["Lasix 40mg", "Ventolin"]),
        ("conditions", "I am pregnant", ["pregnancy"]),
    ],
)
def test_typed_labels_and_words_are_understood(qid: str, typed: str, expected: object) -> None:
    iv = Interview()
    iv.answer(qid, typed)
    assert iv.answers[qid] == expected


@pytest.mark.parametrize("typed", ["Lasix\u202e 40mg", "Zoloft\x00", "Ventolin\u200b"])
def test_control_and_direction_characters_are_refused(typed: str) -> None:
    with pytest.raises(AnswerError, match="control or direction character"):
        Interview().answer("medications", typed)


def test_the_interview_reads_medicines_back() -> None:
    from twitchwise.engine.interview import medicines_read

    iv = Interview()
    iv.answer("medications", "Lasix 40mg, Zyxorol, used to take Prozac")
    understood, unrecognised = medicines_read(iv)
    assert "Lasix 40mg (furosemide): a diuretic (water tablet)" in understood
    assert "used to take Prozac: stopped, so not counted" in understood
    assert unrecognised == ["Zyxorol"]


def test_age_and_conditions_reach_the_case() -> None:
    iv = Interview()
    run(iv, {**CALM, "age": "15", "weight_kg": "50", "conditions": ["kidney_disease"]})
    case = iv.to_case()
    assert case.age == 15 and case.weight_kg == 50 and case.conditions == {"kidney_disease"}
    assert iv.assessment().advice_for == "child"

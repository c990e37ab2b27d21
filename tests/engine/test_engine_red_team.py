"""The fresh red-team pass of issue 9: cases and medicine strings written by a reviewer who had
not read the implementer's tables. No under-triage, no false or missed medicine, and plans that
agree with the person's situation. The figures before and after the fixes are in
docs/assessment.md ("Fresh red-team pass")."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from twitchwise.cli import app
from twitchwise.engine import Assessment, Case, Triage, assess
from twitchwise.engine._medications import recognise, recognise_all
from twitchwise.engine.interview import AnswerError, Interview
from twitchwise.knowledge import load_knowledge

DATA = Path(__file__).parents[1] / "data"
VIGNETTES: list[dict[str, Any]] = json.loads((DATA / "vignettes_red_team.json").read_text())
STRINGS: list[dict[str, Any]] = json.loads((DATA / "medication_strings_red_team.json").read_text())
# The medicines red-team vignettes type that the engine is not expected to recognise.
UNRECOGNISED = {
    "rt-tox-unknown-palp": ["the little white one for my heart"],
    "rt-tox-ss-unknown": ["Zyvox 600mg"],
}
# Flags beside which "usually harmless" would contradict the triage.
NOT_HARMLESS = {
    "bulbar",
    "weakness",
    "muscle_wasting",
    "difficulty_moving",
    "falls",
    "gradual_breathlessness",
    "breathless_lying_flat",
}
FLUID_ADVICE = {"hydrate", "hydrate_child", "replenish_electrolytes"}
ADULT_LIMITS = re.compile(r"under 400 mg|aim for 7 hours|keep to 14 units", re.I)


def _case(vignette: dict[str, Any]) -> Case:
    return Case.model_validate(
        {k: v for k, v in vignette.items() if k not in ("id", "expect", "note")}
    )


def _must_not_drink_more(case: Case) -> bool:
    """Kidney disease, heart failure, a fluid restriction, or a medicine that keeps potassium or
    implies one of these (nhs-fluid-restriction)."""
    if {"kidney_disease", "heart_failure", "fluid_restriction"} & set(case.conditions):
        return True
    classes = [m.med_class for m in recognise_all(case.medications).matches]
    return any("potassium_keeping" in c.tags or c.implies for c in classes)


def _check_plan(case: Case, result: Assessment) -> list[str]:
    """Every way a plan can contradict the person's situation that the issue names."""
    problems = []
    ids = [p.id for p in result.plan]
    text = [p.text for p in result.plan]
    triage = Triage.parse(result.triage)
    if triage is Triage.EMERGENCY and not all(i.startswith("act_") for i in ids):
        problems.append("an emergency plan says more than what to do now")
    if triage is Triage.URGENT:
        if "today" not in text[0].lower():
            problems.append("the first urgent line does not say today")
        if any(re.search(r"\bbook\b|appointment", t, re.I) for t in text):
            problems.append("'book an appointment' at urgent")
        medicine_lines = [p.text for p in result.plan if "medic" in p.id]
        if any("today" not in t.lower() for t in medicine_lines):
            problems.append("a medicine line at urgent does not say today")
    if "usually_harmless" in ids and (
        triage >= Triage.URGENT or NOT_HARMLESS & set(result.red_flags)
    ):
        problems.append("'usually harmless' beside a worrying flag")
    if _must_not_drink_more(case) and FLUID_ADVICE & set(ids):
        problems.append("fluid or potassium advice despite a condition or medicine")
    if "dark_urine" in case.symptoms and {"gentle_stretching", "recover_from_exercise"} & set(ids):
        problems.append("exercise advice with dark urine")
    child = case.age is not None and case.age < 18
    if child and (result.advice_for != "child" or any(ADULT_LIMITS.search(t) for t in text)):
        problems.append("adult advice for a child")
    if case.age is None and triage is not Triage.EMERGENCY and "adult_advice_note" not in ids:
        problems.append("a case without an age does not say its advice is for adults")
    return problems


@pytest.mark.parametrize("vignette", VIGNETTES, ids=[v["id"] for v in VIGNETTES])
def test_red_team_vignette(vignette: dict[str, Any]) -> None:
    expect = vignette["expect"]
    case = _case(vignette)
    result = assess(case)
    lowest_ok = min(Triage.parse(t) for t in expect["triage"])
    assert Triage.parse(result.triage) >= lowest_ok, f"under-triage: {result.triage}"
    assert result.triage in expect["triage"], vignette["note"]
    assert set(expect.get("red_flags", [])) <= set(result.red_flags)
    assert not set(expect.get("not_red_flags", [])) & set(result.red_flags)
    assert set(expect.get("contributors_top3", [])) <= {c.id for c in result.contributors[:3]}
    assert not set(expect.get("not_contributors", [])) & {c.id for c in result.contributors}
    assert result.unrecognised_medications == UNRECOGNISED.get(vignette["id"], [])
    assert _check_plan(case, result) == []


def test_red_team_vignettes_cover_the_issue_and_cite_known_sources() -> None:
    sources = load_knowledge().sources
    assert len(VIGNETTES) >= 60
    for v in VIGNETTES:
        cited = re.search(r"\(source: ([a-z0-9-]+)\)$", v["note"])
        assert cited and cited.group(1) in sources, v["id"]
    kinds = {v["id"].split("-")[1] for v in VIGNETTES}
    assert kinds >= {"mnd", "em", "tox", "age", "cond", "plan", "med"}


def test_red_team_vignettes_through_the_cli_agree_with_the_api() -> None:
    """`twitchwise assess --case - --json` on the whole list, as a reviewer would run it."""
    cases = [{k: v for k, v in c.items() if k != "expect"} for c in VIGNETTES]
    out = CliRunner().invoke(app, ["assess", "--case", "-", "--json"], input=json.dumps(cases))
    assert out.exit_code == 0, out.output
    results = json.loads(out.output)
    for vignette, result in zip(VIGNETTES, results, strict=True):
        assert result["id"] == vignette["id"]
        assert result["triage"] == assess(_case(vignette)).triage


@pytest.mark.parametrize("row", STRINGS, ids=[r["typed"] for r in STRINGS])
def test_red_team_medicine_string(row: dict[str, Any]) -> None:
    rec = recognise(row["typed"])
    found = {m.med_class.id for m in rec.matches if m.med_class.causes_twitching}
    assert found == set(row["classes"])
    if row["unrecognised"] is not None:  # None: a real medicine outside the classes, either way
        assert bool(rec.unrecognised) == row["unrecognised"], rec.unrecognised


def test_red_team_medicine_table_is_large_and_varied() -> None:
    assert len(STRINGS) >= 100
    kinds = {r["kind"].split(" (")[0] for r in STRINGS}
    assert kinds >= {"name", "combination", "several", "plain words", "typo", "stopped"}
    assert kinds >= {"not a cause", "look-alike", "not understood"}


EMERGENCY_QUESTIONS = [q.id for q in load_knowledge().questions if q.phase == "emergency"]
HEDGES = ["I'm not sure", "maybe?", "i think so", "kind of", "a bit", "no idea", "no, not sure"]


@pytest.mark.parametrize("qid", EMERGENCY_QUESTIONS)
@pytest.mark.parametrize("answer", HEDGES)
def test_a_hedged_answer_to_an_emergency_question_counts_as_yes(qid: str, answer: str) -> None:
    iv = Interview()
    for earlier in EMERGENCY_QUESTIONS[: EMERGENCY_QUESTIONS.index(qid)]:
        iv.answer(earlier, "no")
    iv.answer(qid, answer)
    assert iv.emergency_found
    assert iv.assessment().triage == "emergency"


@pytest.mark.parametrize("answer", ["no", "No.", "nope", "n"])
def test_a_plain_no_to_an_emergency_question_goes_on(answer: str) -> None:
    iv = Interview()
    iv.answer(EMERGENCY_QUESTIONS[0], answer)
    assert not iv.emergency_found


@pytest.mark.parametrize("answer", ["zzz", "probably not", "I don't think so"])
def test_an_unclear_emergency_answer_is_asked_again_saying_unsure_means_yes(answer: str) -> None:
    with pytest.raises(AnswerError, match="if you are not sure, answer yes"):
        Interview().answer(EMERGENCY_QUESTIONS[0], answer)

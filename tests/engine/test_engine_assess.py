"""The assessment's content: concrete plans, emergency first, unknowns never assumed."""

from __future__ import annotations

from twitchwise.engine import Case, assess


def case(**kw: object) -> Case:
    return Case.model_validate({"sites": ["left_thigh"], "duration_days": 3, **kw})


def test_plan_uses_the_persons_own_numbers() -> None:
    result = assess(case(factors={"caffeine_mg_per_day": 500}))
    texts = {p.id: p.text for p in result.plan}
    assert "about 500 mg of caffeine a day" in texts["cut_caffeine"]
    assert "under 400 mg" in texts["cut_caffeine"]
    assert result.contributors[0].id == "stimulants"
    assert "500 mg" in result.contributors[0].why


def test_emergency_plan_says_what_to_do_now_and_nothing_else() -> None:
    result = assess(case(symptoms=["breathing_difficulty"], factors={"caffeine_mg_per_day": 900}))
    assert result.triage == "emergency"
    assert [p.id for p in result.plan] == ["act_breathing_difficulty"]
    assert "emergency number" in result.plan[0].text


def test_unknown_factors_are_never_contributors() -> None:
    result = assess(case())
    assert result.contributors == []
    assert result.triage == "self_care"
    assert any(p.id == "recheck" for p in result.plan)


def test_threshold_edges_follow_the_sources() -> None:
    at = assess(case(factors={"caffeine_mg_per_day": 400, "sleep_hours": 7, "stress_level": 6}))
    assert at.contributors == []
    over = assess(case(factors={"caffeine_mg_per_day": 401, "sleep_hours": 6.9, "stress_level": 7}))
    assert {c.id for c in over.contributors} == {
        "stimulants",
        "sleep_deprivation",
        "stress_anxiety",
    }


def test_alcohol_is_judged_in_uk_units() -> None:
    assert not assess(case(factors={"alcohol_drinks_per_week": 8})).contributors
    heavy = assess(case(factors={"alcohol_drinks_per_week": 9}))
    assert heavy.contributors[0].id == "alcohol"
    assert "16 UK units" in heavy.contributors[0].why


def test_palpitations_alone_do_not_raise_but_with_a_diuretic_do() -> None:
    assert assess(case(symptoms=["palpitations"])).triage == "self_care"
    with_diuretic = assess(case(symptoms=["palpitations"], medications=["Lasix 40mg"]))
    assert with_diuretic.triage == "urgent"
    assert "palpitations" in with_diuretic.red_flags


def test_weakness_that_is_getting_worse_is_urgent() -> None:
    assert assess(case(symptoms=["weakness"])).triage == "doctor"
    worse = assess(case(symptoms=["weakness"], course="worsening"))
    assert worse.triage == "urgent"
    flag = next(f for f in worse.red_flag_details if f.id == "weakness")
    assert flag.source == "bmj-2022-mnd"
    assert "getting worse" in flag.answer


def test_red_flag_names_the_answer_behind_it() -> None:
    result = assess(case(sites=["left_thigh", "right_forearm"], duration_days=20))
    details = {f.id: f for f in result.red_flag_details}
    assert details["widespread"].answer == "twitching in left thigh and right forearm"
    assert details["persistent"].answer == "twitching for 20 days"


def test_every_item_carries_a_known_source() -> None:
    from twitchwise.knowledge import load_knowledge

    sources = load_knowledge().sources
    result = assess(
        case(
            symptoms=["cramping", "heavy_sweating"],
            medications=["Ventolin"],
            factors={"sleep_hours": 5, "water_litres_per_day": 1},
        )
    )
    cited = [p.source for p in result.plan] + [c.source for c in result.contributors]
    cited += [f.source for f in result.red_flag_details]
    assert cited and all(s in sources for s in cited)


def test_says_once_that_it_is_guidance() -> None:
    assert "not a diagnosis" in assess(case()).disclaimer


def test_flags_name_the_case_fields_behind_them() -> None:
    result = assess(case(duration_days=20, course="worsening", symptoms=["weakness"]))
    fields = {f.id: f.fields for f in result.red_flag_details}
    assert fields["persistent"] == ["duration_days"]
    assert fields["worsening"] == ["course"]
    assert fields["weakness"] == ["course", "symptoms"]


def test_plan_asks_for_one_appointment_however_many_flags() -> None:
    result = assess(
        case(duration_days=20, sites=["left_thigh", "right_calf"], symptoms=["cramping"])
    )
    assert result.triage == "doctor" and len(result.red_flags) == 3
    actions = [p for p in result.plan if p.id.startswith("act_")]
    assert len(actions) == 1 and result.plan[0] == actions[0]


def test_every_emergency_gets_its_own_words() -> None:
    result = assess(case(symptoms=["sudden_one_sided_weakness", "chemical_exposure"]))
    assert {p.id for p in result.plan} == {"act_sudden_one_sided_weakness", "act_chemical_exposure"}

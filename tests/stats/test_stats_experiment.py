"""N-of-1 experiments: schedules that add up, a status that says what to do, an honest report."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from twitchwise.stats import (
    ExperimentError,
    ExperimentPlan,
    experiment_report,
    experiment_status,
    plan_experiment,
    simulate_diary,
)

START = date(2026, 3, 2)


@settings(max_examples=60, deadline=None)
@given(
    design=st.lists(st.sampled_from(["AB", "BA"]), min_size=1, max_size=6).map("".join),
    phase_days=st.integers(3, 60),
    washout=st.integers(0, 14),
    seed=st.integers(0, 2**31),
    randomise=st.booleans(),
)
def test_schedule_covers_every_day_exactly_once(
    design: str, phase_days: int, washout: int, seed: int, randomise: bool
) -> None:
    plan = plan_experiment(
        "caffeine",
        design=design,
        phase_days=phase_days,
        washout_days=washout,
        start=START,
        seed=seed,
        randomise=randomise,
    )
    assert plan.phases[0].start == START and plan.phases[-1].end == plan.end
    for before, after in zip(plan.phases, plan.phases[1:], strict=False):
        assert after.start == before.end + timedelta(days=1)
        assert after.washout_days == (washout if after.condition != before.condition else 0)
    assert plan.phases[0].washout_days == 0
    for phase in plan.phases:
        assert phase.days - phase.washout_days == phase_days
    assert len(plan.order) == len(design)
    assert plan.order.count("A") == plan.order.count("B")
    pairs = [plan.order[i : i + 2] for i in range(0, len(plan.order), 2)]
    assert all(p in ("AB", "BA") for p in pairs)
    if not randomise:
        assert plan.order == design
    total = (plan.end - plan.start).days + 1
    assert total == sum(p.days for p in plan.phases)
    for i in range(total):
        day = START + timedelta(days=i)
        assert sum(p.start <= day <= p.end for p in plan.phases) == 1


def test_seed_fixes_the_order_and_is_recorded() -> None:
    a = plan_experiment("caffeine", design="ABABABAB", start=START, seed=123)
    b = plan_experiment("caffeine", design="ABABABAB", start=START, seed=123)
    assert a.order == b.order and a.seed == 123
    orders = {
        plan_experiment("caffeine", design="ABABAB", start=START, seed=s).order for s in range(30)
    }
    assert len(orders) > 1
    drawn = plan_experiment("caffeine", start=START)
    assert drawn.seed > 0
    again = plan_experiment("caffeine", start=START, seed=drawn.seed)
    assert again.order == drawn.order


def test_plan_survives_a_json_round_trip() -> None:
    plan = plan_experiment(
        "alcohol_drinks", design="ABBA", phase_days=5, washout_days=1, start=START, seed=9
    )
    assert plan.factor == "alcohol" and plan.column == "alcohol_drinks"
    data = plan.model_dump(mode="json")
    assert data["seed"] == 9 and data["phases"][0]["start"] == START.isoformat()
    assert ExperimentPlan.model_validate(data) == plan


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"factor": "tea"}, "factor"),
        ({"design": "ABC"}, "design"),
        ({"design": "ABA"}, "design"),
        ({"design": "AABB"}, "design"),
        ({"design": ""}, "design"),
        ({"phase_days": 1}, "phase_days"),
        ({"phase_days": 400}, "phase_days"),
        ({"washout_days": -1}, "washout_days"),
        ({"washout_days": 30}, "washout_days"),
    ],
)
def test_bad_requests_name_the_field(kwargs: dict[str, object], field: str) -> None:
    args: dict[str, object] = {"factor": "caffeine", "start": START} | kwargs
    with pytest.raises(ExperimentError) as info:
        plan_experiment(**args)  # type: ignore[arg-type]
    assert info.value.field == field
    assert str(info.value).startswith(f"{field}: ")


def test_status_before_during_washout_and_after() -> None:
    plan = plan_experiment(
        "caffeine",
        design="ABAB",
        phase_days=7,
        washout_days=2,
        start=START,
        seed=1,
        randomise=False,
    )
    before = experiment_status(plan, START - timedelta(days=3))
    assert before.state == "not_started" and "in 3 days" in before.sentence
    first = experiment_status(plan, START)
    assert first.state == "running" and first.phase == 1 and first.condition == "A"
    assert first.day_in_phase == 1 and not first.in_washout
    assert first.next_change == START + timedelta(days=7)
    assert "usual" in first.instruction
    washout = experiment_status(plan, START + timedelta(days=8))
    assert washout.phase == 2 and washout.condition == "B" and washout.in_washout
    assert "under 50 mg" in washout.instruction and "washout" in washout.sentence
    after_washout = experiment_status(plan, START + timedelta(days=9))
    assert not after_washout.in_washout and after_washout.day_in_phase == 3
    done = experiment_status(plan, plan.end + timedelta(days=1))
    assert done.state == "finished" and done.days_left == 0
    assert experiment_status(plan, plan.end).days_left == 1


def _experiment_frame(plan: ExperimentPlan, b_ratio: float, seed: int) -> pd.DataFrame:
    days = (plan.end - plan.start).days + 1
    frame = simulate_diary(days, seed, start=plan.start, untracked_share=0.0, latent_sd=0.15)
    rng = np.random.default_rng(seed)
    for phase in plan.phases:
        inside = [phase.start <= d <= phase.end for d in frame.index]
        if phase.condition == "B":
            mu = frame.loc[inside, "episodes"].to_numpy() * b_ratio
            frame.loc[inside, "episodes"] = rng.poisson(mu)
            frame.loc[inside, "caffeine_mg"] = 20.0
    return frame


def test_report_finds_a_clear_benefit_and_calls_it_settled() -> None:
    plan = plan_experiment("caffeine", design="AB" * 6, phase_days=7, start=START, seed=5)
    report = experiment_report(plan, _experiment_frame(plan, 0.4, 2))
    assert report.status == "estimated" and report.settled
    assert report.p_value is not None and report.p_value == pytest.approx(2 / 64)
    assert report.allocations == 64
    assert "64 orders the design could have drawn" in report.sentence
    assert (
        report.rate_ratio is not None and report.ci_high is not None and report.ci_low is not None
    )
    assert report.ci_high < 1.0 and report.ci_low < 0.4 < report.ci_high
    assert report.trend_adjusted and report.more_days_needed == 0
    assert report.days_a == report.days_b == 42
    assert "fewer twitch episodes a day than during A" in report.sentence
    assert "kept on 42 of 42 B days" in report.adherence
    items = {c.item: c.text for c in report.checklist}
    for key in ("Design", "Randomisation", "Periods", "Period duration", "Washout", "Blinding"):
        assert key in items
    assert "seed 5" in items["Randomisation"]


def test_report_without_a_difference_says_how_many_more_days() -> None:
    plan = plan_experiment("caffeine", design="ABAB", phase_days=7, start=START, seed=8)
    report = experiment_report(plan, _experiment_frame(plan, 1.0, 3))
    assert report.status == "estimated"
    if not report.settled:
        assert report.more_days_needed is not None and report.more_days_needed > 0
        assert f"About {report.more_days_needed} more analysed days" in report.sentence
        assert "This may be chance" in report.sentence


def test_a_design_too_small_for_the_exact_test_never_claims_a_real_difference() -> None:
    """ABAB with a huge effect: the model interval excludes 1, but two randomised pairs have only
    four possible orders, so the report must still say it may be chance."""
    plan = plan_experiment("caffeine", design="ABAB", phase_days=14, start=START, seed=5)
    report = experiment_report(plan, _experiment_frame(plan, 0.3, 2))
    assert report.ci_high is not None and report.ci_high < 1.0
    assert not report.settled and report.p_value == 0.5
    assert (
        "This may be chance" in report.sentence and "smallest possible p is 0.50" in report.sentence
    )
    assert "real difference" not in report.sentence


def test_a_fixed_order_is_never_settled() -> None:
    plan = plan_experiment(
        "caffeine", design="AB" * 6, phase_days=7, start=START, seed=5, randomise=False
    )
    report = experiment_report(plan, _experiment_frame(plan, 0.3, 2))
    assert not report.settled and "not drawn at random" in report.sentence


def test_randomisation_test_is_exact_over_sign_flips() -> None:
    from twitchwise.stats._randomisation import randomisation_test, smallest_p

    result = randomisation_test([0.5, 0.4, 0.6])
    assert result.allocations == 8 and result.p_value == pytest.approx(2 / 8)
    assert randomisation_test([0.5, -0.5]).p_value == 1.0
    assert smallest_p(5) > 0.05 > smallest_p(6)
    mixed = randomisation_test([0.3, -0.1, 0.2, 0.25, 0.1, 0.4])
    assert 0.0 < mixed.p_value <= 1.0 and mixed.allocations == 64


def test_self_experiment_type_one_error_is_at_most_five_percent() -> None:
    """A small version of the study: no effect, realistic autocorrelated diaries."""
    from twitchwise.stats._study import experiment_runs

    out = experiment_runs(range(300), pairs=6, phase_days=7)
    assert out["type1"].runs == 300
    assert out["type1"].hits / 300 <= 0.07  # exact test: 3.1% expected, room for 300 runs
    assert out["power"].hits > out["type1"].hits
    assert out["wrong_way"].hits <= 1  # a 30% drop is (almost) never reported as a rise


def test_design_statement_uses_the_persons_own_variability() -> None:
    from twitchwise.stats import experiment_design
    from twitchwise.stats._simulate import simulate_realistic_diary

    calm = simulate_diary(120, 3, latent_sd=0.1, dispersion=0.05, base_rate=20.0)
    noisy = simulate_realistic_diary(120, 3, latent_sd=0.8, base_rate=2.0)
    a, b = experiment_design(calm), experiment_design(noisy)
    assert a.pairs == 6 and a.phase_days is not None
    assert "to see a 30% drop you need about 6 pairs of" in a.sentence
    assert b.phase_days is None or b.phase_days > a.phase_days
    short = experiment_design(calm.iloc[:5])
    assert short.history_days == 5 and "Too few tracked days" in short.sentence


def test_washout_and_untracked_days_are_not_analysed() -> None:
    plan = plan_experiment(
        "caffeine",
        design="ABAB",
        phase_days=7,
        washout_days=3,
        start=START,
        seed=2,
        randomise=False,
    )
    frame = _experiment_frame(plan, 1.0, 4)
    base = experiment_report(plan, frame)
    spiked = frame.copy()
    for phase in plan.phases:
        for i in range(phase.washout_days):
            spiked.loc[phase.start + timedelta(days=i), "episodes"] = 500
    assert experiment_report(plan, spiked).rate_ratio == base.rate_ratio
    gappy = frame.drop(index=[plan.phases[1].analysed_start, plan.phases[3].analysed_start])
    report = experiment_report(plan, gappy)
    assert report.days_b == base.days_b - 2
    assert "26 of 28 planned" in {c.item: c.text for c in report.checklist}["Days analysed"]


def test_report_early_on_says_not_enough_data() -> None:
    plan = plan_experiment(
        "caffeine", design="ABAB", phase_days=7, start=START, seed=2, randomise=False
    )
    frame = _experiment_frame(plan, 0.5, 5)
    report = experiment_report(plan, frame, today=START + timedelta(days=9))
    assert report.status == "not_enough_data" and report.rate_ratio is None
    assert report.days_a == 7 and report.days_b == 3
    assert "about 4 more tracked days would help" in report.sentence


def test_one_period_each_is_not_trend_adjusted_and_says_so() -> None:
    plan = plan_experiment("caffeine", design="AB", phase_days=14, start=START, seed=2)
    report = experiment_report(plan, _experiment_frame(plan, 0.5, 6))
    assert not report.trend_adjusted
    assert "cannot be told apart" in report.sentence


def test_report_needs_the_outcome_column() -> None:
    plan = plan_experiment("caffeine", start=START, seed=1)
    with pytest.raises(ExperimentError, match="episodes"):
        experiment_report(plan, pd.DataFrame({"caffeine_mg": [1.0]}, index=[START]))


def test_a_start_too_late_for_the_calendar_is_refused_by_name() -> None:
    from datetime import date

    from twitchwise.stats import ExperimentError, plan_experiment

    with pytest.raises(ExperimentError) as err:
        plan_experiment("caffeine", start=date(9999, 12, 1), seed=1)
    assert err.value.field == "start"


def test_design_statement_does_not_promise_more_than_the_study_measures() -> None:
    """The study measured 32% power for 6 pairs of 30-day phases on realistic diaries (30% drop);
    a statement from one such diary's history must not promise a clear answer."""
    from twitchwise.stats import experiment_design
    from twitchwise.stats._simulate import simulate_realistic_diary

    for seed in (4, 5, 6):
        design = experiment_design(simulate_realistic_diary(120, seed))
        assert design.pairs is None and design.power is not None and design.power < 0.5
        assert "this may be chance" in design.sentence


def test_design_warning_says_when_a_plan_cannot_settle() -> None:
    from twitchwise.stats import ExperimentDesign, design_warning

    advice = ExperimentDesign(drop=0.3, history_days=60, pairs=6, phase_days=10,
                              design="AB" * 6, power=0.85, sentence="...")  # fmt: skip
    two = design_warning(advice, 2, 10)
    assert two and "whatever happens" in two and "Suggested: 6 pairs of 10-day phases" in two
    short = design_warning(advice, 6, 7)
    assert short and "shorter than the suggested 10" in short
    assert design_warning(advice, 6, 10) is None and design_warning(advice, 6, 14) is None
    hopeless = advice.model_copy(update={"pairs": None, "phase_days": None, "design": None})
    assert "most likely end with 'this may be chance'" in (design_warning(hopeless, 6, 30) or "")


def test_a_finished_experiment_names_no_command() -> None:
    from twitchwise.stats import experiment_status, plan_experiment

    plan = plan_experiment("caffeine", design="AB", phase_days=7, start=date(2026, 1, 5))
    sentence = experiment_status(plan, date(2026, 3, 1)).sentence
    assert sentence.startswith("The experiment ended on 2026-01-18;") and "`" not in sentence


def test_a_caffeine_taper_cuts_down_over_the_settling_in_days() -> None:
    from twitchwise.stats import ExperimentError, experiment_status, plan_experiment

    start = date(2026, 1, 5)
    plan = plan_experiment("caffeine", design="BAAB", phase_days=7, washout_days=3,
                           start=start, randomise=False, taper=True)  # fmt: skip
    first, second, third, fourth = plan.phases
    assert plan.taper and first.condition == "B" and first.washout_days == 3, "first B tapers"
    assert second.washout_days == 3 and third.washout_days == 0 and fourth.washout_days == 3
    before = experiment_status(plan, start - timedelta(days=1))
    assert before.instruction.startswith("Taper: have about half your usual caffeine")
    day2 = experiment_status(plan, start + timedelta(days=1))
    assert day2.in_washout and day2.instruction.startswith("Taper:") and "a taper" in day2.sentence
    settled = experiment_status(plan, start + timedelta(days=4))
    assert settled.instruction == plan.change
    back_to_a = experiment_status(plan, second.start)
    assert back_to_a.instruction == plan.usual, "A phases are never tapered"
    with pytest.raises(ExperimentError) as no_taper:
        plan_experiment("alcohol", washout_days=3, start=start, taper=True)
    assert no_taper.value.field == "taper"
    with pytest.raises(ExperimentError) as too_short:
        plan_experiment("caffeine", washout_days=1, start=start, taper=True)
    assert too_short.value.field == "washout_days"
    assert not plan_experiment("caffeine", start=start).taper

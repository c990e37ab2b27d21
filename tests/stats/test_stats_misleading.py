"""Each misleading output the independent review found (issue 11) has a test here."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from twitchwise.stats import FactorInsight, InsightsReport, factor_insights, simulate_diary
from twitchwise.stats._simulate import SCENARIOS, simulate_realistic_diary


def _get(report: InsightsReport, factor: str, lag: int) -> FactorInsight:
    return next(f for f in report.factors if f.factor == factor and f.lag_days == lag)


@pytest.fixture(scope="module")
def confounded() -> InsightsReport:
    frame = simulate_realistic_diary(180, 11, **SCENARIOS["sleep_confounds_caffeine"])  # type: ignore[arg-type]
    return factor_insights(frame)


def test_a_confounder_with_missing_days_is_allowed_for_and_named(
    confounded: InsightsReport,
) -> None:
    caffeine = _get(confounded, "caffeine_mg", 0)
    assert caffeine.rate_ratio is not None
    assert "sleep" in caffeine.adjusted_for
    assert "Allowed for: " in caffeine.sentence and "sleep" in caffeine.sentence
    assert "allowing for 5 other factors" not in caffeine.sentence


def test_what_could_not_be_allowed_for_is_named() -> None:
    frame = simulate_realistic_diary(60, 4)
    report = factor_insights(frame)
    estimated = [f for f in report.factors if f.rate_ratio is not None]
    assert estimated
    for f in estimated:
        assert "Allowed for: " in f.sentence
        left_out = {"sleep", "caffeine", "alcohol", "fluids", "stress", "exercise", "steps"}
        left_out -= set(f.adjusted_for) | {f.label}
        if "Not allowed for: " in f.sentence:
            named = f.sentence.split("Not allowed for: ")[1]
            assert any(name in named for name in left_out)


def test_the_day_after_is_always_net_of_the_same_day() -> None:
    frame = simulate_diary(200, 3, effects={"caffeine_mg": 1.6})
    report = factor_insights(frame)
    same, after = _get(report, "caffeine_mg", 0), _get(report, "caffeine_mg", 1)
    assert same.significant and not after.significant
    assert "caffeine the same day" in after.sentence
    assert "caffeine the day before" in same.sentence


def test_twitching_on_a_handful_of_days_flags_nothing_and_says_why() -> None:
    frame = simulate_realistic_diary(120, 4, **SCENARIOS["sparse"])  # type: ignore[arg-type]
    some = int((frame["episodes"] > 0).sum())
    assert 0 < some < 10
    report = factor_insights(frame)
    assert report.significant == []
    assert all(f.rate_ratio is None for f in report.factors)
    assert all(f"only {some} of" in f.sentence for f in report.factors if f.status != "estimated")


def test_a_perfect_split_is_called_separation_not_a_huge_effect() -> None:
    frame = simulate_diary(150, 2)
    frame.loc[frame["hard_exercise"] == 1.0, "episodes"] = 0
    assert (frame["episodes"] > 0).sum() >= 10
    item = _get(factor_insights(frame), "hard_exercise", 0)
    assert item.rate_ratio is None and not item.significant
    assert "splits your" in item.sentence and "separation" in item.sentence
    assert "more tracked days" not in item.sentence


def test_an_outlier_day_is_named_not_turned_into_more_days_advice() -> None:
    frame = simulate_realistic_diary(120, 8, **SCENARIOS["outlier"])  # type: ignore[arg-type]
    report = factor_insights(frame, outcome="twitches")
    day = frame.index[frame["twitches"] == 500][0]
    assert report.notes and day.isoformat() in report.notes[0] and "500" in report.notes[0]
    estimated = [f for f in report.factors if f.rate_ratio is not None]
    assert len(estimated) >= 10
    for f in report.factors:
        assert "could not be estimated" not in f.sentence
        assert "more tracked days would help" not in f.sentence or f.status != "unreliable"
    assert any(f"{day.isoformat()} with 500 twitches" in f.sentence for f in estimated)
    assert any("counted in full, the estimate would be" in f.sentence for f in estimated)


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_no_library_warning_text_in_any_sentence(scenario: str) -> None:
    frame = simulate_realistic_diary(70, 3, **SCENARIOS[scenario])  # type: ignore[arg-type]
    for f in factor_insights(frame).factors:
        for words in ("Warning", "warning", "statsmodels", "Hessian", "converge", "separation:"):
            assert words not in f.sentence, f.sentence


def test_no_twitches_on_the_factors_days_mentions_those_logged_elsewhere() -> None:
    frame = simulate_diary(120, 6, missing_share=0.0, untracked_share=0.0)
    frame["episodes"] = 0
    unknown = frame.index[::8]
    frame.loc[unknown, "sleep_hours"] = math.nan
    frame.loc[unknown, "episodes"] = 4
    item = _get(factor_insights(frame), "sleep_hours", 0)
    total = 4 * len(unknown)
    assert item.sentence.startswith("No twitch episodes were logged on the ")
    assert f"the {total} logged fell on days without it recorded" in item.sentence


def test_the_day_before_needs_consecutive_days_and_says_so() -> None:
    frame = simulate_diary(240, 9).iloc[::2]
    item = _get(factor_insights(frame), "caffeine_mg", 1)
    assert item.rate_ratio is None
    assert "Tracking on consecutive days would help" in item.sentence
    assert "more tracked days would help" not in item.sentence


def test_an_imputed_confounder_gives_an_interval_at_least_as_wide_as_complete_data() -> None:
    frame = simulate_diary(200, 12, effects={"caffeine_mg": 1.3}, missing_share=0.0)
    full = _get(factor_insights(frame), "caffeine_mg", 0)
    gappy = frame.copy()
    rng = np.random.default_rng(0)
    gappy.loc[rng.random(len(gappy)) < 0.3, "sleep_hours"] = math.nan
    imputed = _get(factor_insights(gappy), "caffeine_mg", 0)
    assert full.ci_low is not None and full.ci_high is not None
    assert imputed.ci_low is not None and imputed.ci_high is not None
    assert "sleep" in imputed.adjusted_for
    assert imputed.n_days == full.n_days  # a confounder's unknown values cost no days
    width = math.log(imputed.ci_high / imputed.ci_low)
    assert width >= 0.95 * math.log(full.ci_high / full.ci_low)


def test_frame_shape_is_unchanged(confounded: InsightsReport) -> None:
    data = confounded.model_dump(mode="json")
    assert set(data) == {"tracked_days", "factors"}
    assert isinstance(pd.DataFrame(data["factors"]), pd.DataFrame)

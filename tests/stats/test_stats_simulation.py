"""A small version of the simulation study (the full one: scripts/simulation_study.py).

With fixed seeds the outcome is deterministic; the thresholds leave room for the smaller sample
(on the simple generator about 85-90% power and at most about 2% false positives per factor; the
realistic study's tables are in docs/insights.md).
"""

from __future__ import annotations

import pytest

from twitchwise.stats import null_runs, power_runs

pytestmark = pytest.mark.slow


def test_planted_caffeine_effect_is_usually_found_over_120_days() -> None:
    tally = power_runs(range(30), days=120, rate_ratio=1.3)
    assert tally.runs == 30
    assert tally.rate(tally.hits) >= 0.7
    assert tally.covered / tally.estimated >= 0.85


def test_nothing_planted_rarely_flags_any_factor() -> None:
    tally = null_runs(range(500_000, 500_030), days=120)
    assert tally.runs == 30
    assert set(tally.per_factor) >= {"caffeine_mg", "sleep_hours", "stress_level", "steps"}
    for name, count in tally.per_factor.items():
        assert tally.rate(count) <= 0.1, name
    assert 0.0 < tally.raw_below_05 / tally.raw_tests < 0.1


def test_a_stronger_effect_has_more_power_than_a_weaker_one() -> None:
    weak = power_runs(range(12), days=90, rate_ratio=1.1)
    strong = power_runs(range(12), days=90, rate_ratio=1.5)
    assert strong.hits > weak.hits


@pytest.mark.parametrize(
    ("scenario", "days", "runs"),
    [
        ("null", 120, 40),
        ("sleep_confounds_caffeine", 120, 30),
        ("sparse", 120, 30),
        ("outlier", 90, 20),
    ],
)
def test_realistic_diaries_rarely_raise_any_false_alarm(
    scenario: str, days: int, runs: int
) -> None:
    """The small version of the realistic study (the full one's tables: docs/insights.md): AR(1)
    0.7 counts, weekly cycle, bending trend, drifting habits, 15-30% unknown values."""
    from twitchwise.stats._study import realistic_alarm_runs

    out = realistic_alarm_runs(range(70_000, 70_000 + runs), days=days, scenario=scenario)
    alarm = out["false_alarm"]
    assert alarm.runs == runs
    assert alarm.hits / runs <= 0.1  # target 5%; the full study measures about 1%


def test_a_planted_realistic_effect_is_found_more_often_than_a_false_one() -> None:
    from twitchwise.stats._study import realistic_alarm_runs

    out = realistic_alarm_runs(range(80_000, 80_020), days=365, scenario="caffeine")
    assert out["found"].hits >= 5 > out["false_alarm"].hits
    assert out["wrong_lag"].hits <= 1

"""A small version of the simulation study (the full one: scripts/simulation_study.py).

With fixed seeds the outcome is deterministic; the thresholds leave room for the smaller sample
(the full study gives about 85-90% power and at most about 2% false positives per factor).
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

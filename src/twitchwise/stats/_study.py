"""The simulation study behind the insights: power with a planted effect, false positives without.

Pure and deterministic for given seeds, so the small version runs in the tests and the full one
(scripts/simulation_study.py) spreads seeds over processes.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from ._insights import factor_insights
from ._simulate import simulate_diary


@dataclass
class Tally:
    """Counts over simulated diaries; add two tallies to merge work from several processes."""

    runs: int = 0
    hits: int = 0
    covered: int = 0
    estimated: int = 0
    per_factor: dict[str, int] = field(default_factory=dict)
    per_pair: dict[str, int] = field(default_factory=dict)
    raw_below_05: int = 0
    raw_tests: int = 0
    any_significant: int = 0

    def __add__(self, other: Tally) -> Tally:
        def merge(a: dict[str, int], b: dict[str, int]) -> dict[str, int]:
            return {k: a.get(k, 0) + b.get(k, 0) for k in sorted(set(a) | set(b))}

        return Tally(
            self.runs + other.runs,
            self.hits + other.hits,
            self.covered + other.covered,
            self.estimated + other.estimated,
            merge(self.per_factor, other.per_factor),
            merge(self.per_pair, other.per_pair),
            self.raw_below_05 + other.raw_below_05,
            self.raw_tests + other.raw_tests,
            self.any_significant + other.any_significant,
        )

    def rate(self, count: int) -> float:
        return count / self.runs if self.runs else math.nan


def power_runs(
    seeds: Iterable[int],
    *,
    days: int = 120,
    factor: str = "caffeine_mg",
    rate_ratio: float = 1.3,
) -> Tally:
    """Share of diaries where `factor` at lag 0 comes out significant (after Holm)."""
    tally = Tally()
    for seed in seeds:
        report = factor_insights(simulate_diary(days, seed, effects={factor: rate_ratio}))
        item = next(f for f in report.factors if f.factor == factor and f.lag_days == 0)
        tally.runs += 1
        tally.hits += item.significant
        if item.ci_low is not None and item.ci_high is not None:
            tally.estimated += 1
            tally.covered += item.ci_low <= rate_ratio <= item.ci_high
    return tally


def null_runs(
    seeds: Iterable[int], *, days: int = 120, effects: Mapping[str, float] | None = None
) -> Tally:
    """With nothing planted (or only `effects`), how often each factor comes out significant."""
    planted = set(effects or {})
    tally = Tally()
    for seed in seeds:
        report = factor_insights(simulate_diary(days, seed, effects=effects))
        tally.runs += 1
        flagged: set[str] = set()
        for f in report.factors:
            if f.factor in planted:
                continue
            key = f"{f.factor}@lag{f.lag_days}"
            tally.per_pair[key] = tally.per_pair.get(key, 0) + f.significant
            tally.per_factor.setdefault(f.factor, 0)
            if f.significant:
                flagged.add(f.factor)
            if f.p_value is not None:
                tally.raw_tests += 1
                tally.raw_below_05 += f.p_value < 0.05
        for name in flagged:
            tally.per_factor[name] += 1
        tally.any_significant += bool(flagged)
    return tally

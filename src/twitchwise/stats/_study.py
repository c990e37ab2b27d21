"""The simulation study behind the insights: power with a planted effect, false positives without.

Pure and deterministic for given seeds, so the small version runs in the tests and the full one
(scripts/simulation_study.py) spreads seeds over processes.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

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


# -- the realistic study (scripts/simulation_study.py) ----------------------------------------


@dataclass
class Count:
    """Successes out of runs; add two to merge work from several processes."""

    hits: int = 0
    runs: int = 0

    def __add__(self, other: Count) -> Count:
        return Count(self.hits + other.hits, self.runs + other.runs)

    def interval(self) -> tuple[float, float]:
        """The Wilson 95% interval for the share."""
        if not self.runs:
            return math.nan, math.nan
        z, n, p = 1.959964, self.runs, self.hits / self.runs
        centre = (p + z * z / (2 * n)) / (1 + z * z / n)
        half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
        return max(centre - half, 0.0), min(centre + half, 1.0)

    def line(self) -> str:
        lo, hi = self.interval()
        share = self.hits / self.runs if self.runs else math.nan
        return f"{share:6.1%}  ({lo:5.1%} to {hi:5.1%})  n={self.runs}"


def realistic_alarm_runs(seeds: Iterable[int], *, days: int, scenario: str) -> dict[str, Count]:
    """Per diary: any false flag (a factor with nothing planted comes out significant) and, where
    something is planted, whether it is found at its planted lag."""
    from ._simulate import SCENARIOS, simulate_realistic_diary

    params = dict(SCENARIOS[scenario])
    planted_same = set(params.get("effects", {}) or {})  # type: ignore[call-overload]
    planted_after = set(params.get("lag1_effects", {}) or {})  # type: ignore[call-overload]
    planted = planted_same | planted_after
    out = {"false_alarm": Count(), "found": Count(), "wrong_lag": Count()}
    for seed in seeds:
        frame = simulate_realistic_diary(days, seed, **params)  # type: ignore[arg-type]
        report = factor_insights(frame)
        flagged = {(f.factor, f.lag_days) for f in report.significant}
        out["false_alarm"] += Count(int(any(f not in planted for f, _ in flagged)), 1)
        if planted:
            hit = any((f, 0) in flagged for f in planted_same) or any(
                (f, 1) in flagged for f in planted_after
            )
            out["found"] += Count(int(hit), 1)
            wrong = any((f, 1) in flagged for f in planted_same) or any(
                (f, 0) in flagged for f in planted_after
            )
            out["wrong_lag"] += Count(int(wrong), 1)
    return out


def experiment_runs(seeds: Iterable[int], *, pairs: int, phase_days: int) -> dict[str, Count]:
    """Randomised AB pairs on realistic diaries: how often the exact test claims a difference
    with none planted (type I error), finds a 30% drop (power), or claims the wrong direction."""
    import numpy as np

    from ._experiment import plan_experiment
    from ._experiment_report import collect_phases, exact_test
    from ._simulate import simulate_realistic_diary

    out = {"type1": Count(), "power": Count(), "wrong_way": Count()}
    for seed in seeds:
        plan = plan_experiment(
            "caffeine",
            design="AB" * pairs,
            phase_days=phase_days,
            start=date(2025, 1, 6),
            seed=seed + 1,
        )
        frame = simulate_realistic_diary(2 * pairs * phase_days, seed, start=plan.start)
        null = exact_test(plan, collect_phases(plan, frame, plan.end))
        out["type1"] += Count(int(null.p_value < 0.05), 1)
        rng = np.random.default_rng(seed)
        b_days = [d for p in plan.phases if p.condition == "B" for d in _days(p.start, p.end)]
        inside = frame.index.isin(b_days)
        frame.loc[inside, "episodes"] = rng.binomial(
            frame.loc[inside, "episodes"].to_numpy(dtype=np.int64), 0.7
        )
        drop = exact_test(plan, collect_phases(plan, frame, plan.end))
        out["power"] += Count(int(drop.p_value < 0.05 and drop.statistic < 0), 1)
        out["wrong_way"] += Count(int(drop.p_value < 0.05 and drop.statistic > 0), 1)
    return out


def _days(start: date, end: date) -> list[date]:
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]

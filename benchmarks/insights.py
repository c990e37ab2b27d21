"""Benchmark: factor insights on ten years of daily check-ins with 100,000 twitch episodes.

    .venv/bin/python benchmarks/insights.py [--repeat 5] [--no-diary]

Times, in the same run:
- twitchwise: `factor_insights` (one distributed-lag model per factor, the other factors allowed
  for with five multiple imputations, spell-aware errors, Holm) plus `count_trend`, on the daily
  frame, cold (nothing cached);
- the naive alternative a user would write: one statsmodels formula model per factor-lag pair
  (`smf.negativebinomial`, dispersion by maximum likelihood, HAC errors), lags rebuilt with pandas
  each time, then Holm;
- end to end from a real SQLite diary (`Diary.daily_frame()` + insights), after importing the
  same data through the diary CSV importer (the import itself is reported as setup).
Aim: under 2 s for twitchwise on a 2-core machine.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import tempfile
import time
import warnings
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import statsmodels.api as sm
import statsmodels.formula.api as smf
from statsmodels.stats.multitest import multipletests

from twitchwise.stats import count_trend, factor_insights, simulate_diary
from twitchwise.stats._factors import KNOWN_FACTORS
from twitchwise.stats._fit import moment_alpha, newey_west_lags, one_blas_thread

YEARS = 10
EPISODES = 100_000
START = date(2016, 1, 1)


def make_data(seed: int = 1) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Ten years of check-ins and an episode table with exactly EPISODES rows."""
    days = (date(START.year + YEARS, 1, 1) - START).days
    frame = simulate_diary(
        days,
        seed,
        start=START,
        base_rate=EPISODES / days,
        effects={"caffeine_mg": 1.3, "sleep_hours": 0.85},
        lag1_effects={"hard_exercise": 1.4},
        untracked_share=0.03,
    )
    rng = np.random.default_rng(seed)
    counts = frame["episodes"].to_numpy()
    # Rescale so the episode table holds exactly EPISODES rows, keeping each day's share.
    probs = counts / counts.sum()
    per_day = rng.multinomial(EPISODES, probs)
    episode_days = np.repeat(np.array(frame.index, dtype=object), per_day)
    episodes = pd.DataFrame(
        {
            "day": episode_days,
            "count": 1 + rng.poisson(1.5, EPISODES),
            "minute": rng.integers(6 * 60, 23 * 60, EPISODES),
        }
    )
    return frame.drop(columns=["twitches", "episodes"]), episodes


def daily_frame(checkins: pd.DataFrame, episodes: pd.DataFrame) -> pd.DataFrame:
    """What `Diary.daily_frame()` returns, built in pandas from the same rows."""
    per_day = episodes.groupby("day").agg(twitches=("count", "sum"), episodes=("count", "size"))
    frame = checkins.join(per_day, how="left")
    frame[["twitches", "episodes"]] = frame[["twitches", "episodes"]].fillna(0).astype("int64")
    return frame


def naive_insights(
    frame: pd.DataFrame, glm: bool = False
) -> tuple[dict[tuple[str, int], float], int]:
    """One formula model per factor-lag pair, as a statsmodels user would write it.

    `glm=False`: the discrete `smf.negativebinomial` (dispersion by maximum likelihood, the
    obvious choice). `glm=True`: `smf.glm` with a negative binomial family whose dispersion comes
    from a Poisson pilot fit per pair, i.e. twitchwise's model without any reuse between pairs.
    Returns rate ratios per the units twitchwise reports, and how many fits did not converge.
    """
    full = frame.copy()
    full.index = pd.to_datetime(pd.Index(full.index))
    full = full.asfreq("D")
    factors = [c for c in frame.columns if c not in ("twitches", "episodes")]
    estimates: dict[tuple[str, int], float] = {}
    pvalues: list[float] = []
    failed = 0
    for factor in factors:
        for lag in (0, 1):
            data = full.copy()
            data["x"] = full[factor].shift(lag)
            data["t"] = np.arange(len(data)) / 7.0
            others = [o for o in factors if o != factor]
            if lag:
                others.append(factor)
            formula = "episodes ~ x + t + " + " + ".join(others)
            used = data.dropna(subset=["episodes", "x", *others])
            hac = {"maxlags": newey_west_lags(len(used))}
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                if glm:
                    pilot = smf.glm(formula, used, family=sm.families.Poisson()).fit()
                    alpha = moment_alpha(
                        used["episodes"].to_numpy(dtype=float), pilot.fittedvalues.to_numpy()
                    )
                    family = sm.families.NegativeBinomial(alpha=alpha)
                    res = smf.glm(formula, used, family=family).fit(cov_type="HAC", cov_kwds=hac)
                else:
                    res = smf.negativebinomial(formula, used).fit(
                        disp=0, maxiter=200, cov_type="HAC", cov_kwds=hac
                    )
            scale = KNOWN_FACTORS[factor].scale if factor in KNOWN_FACTORS else 1.0
            estimates[(factor, lag)] = float(np.exp(res.params["x"] * scale))
            pvalues.append(float(res.pvalues["x"]))
            converged = res.converged if glm else res.mle_retvals.get("converged", False)
            failed += not converged
    multipletests(pvalues, method="holm")
    return estimates, failed


def timed(fn: Callable[[], object], repeat: int) -> tuple[float, float, object]:
    times: list[float] = []
    result: object = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), min(times), result


def write_csv(folder: Path, checkins: pd.DataFrame, episodes: pd.DataFrame) -> None:
    days = checkins.copy()
    days.index.name = "date"
    days["hard_exercise"] = days["hard_exercise"].astype("Int64")
    days.drop(columns=["steps"]).to_csv(folder / "days.csv", float_format="%g")
    stamp = [
        datetime.combine(d, datetime.min.time()) + timedelta(minutes=int(m))
        for d, m in zip(episodes["day"], episodes["minute"], strict=True)
    ]
    pd.DataFrame(
        {
            "time": [s.strftime("%Y-%m-%dT%H:%M") for s in stamp],
            "site": "left_thigh",
            "count": episodes["count"],
        }
    ).to_csv(folder / "twitches.csv", index=False)


def main() -> None:
    parser = argparse.ArgumentParser(description="factor insights benchmark")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--no-diary", action="store_true", help="skip the SQLite end-to-end run")
    args = parser.parse_args()

    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(
        f"insights benchmark: Python {platform.python_version()}, {os.cpu_count()} CPUs "
        f"(load average {load}), median (best) of {args.repeat} runs"
    )
    checkins, episodes = make_data()
    t0 = time.perf_counter()
    frame = daily_frame(checkins, episodes)
    build = time.perf_counter() - t0
    print(
        f"data: {len(frame)} tracked days ({frame.index[0]} to {frame.index[-1]}), "
        f"{len(episodes):,} twitch episodes, {len(frame.columns) - 2} factors; "
        f"daily frame built in {build:.3f} s"
    )

    def ours() -> object:
        report = factor_insights(frame)
        count_trend(frame["twitches"])
        return report

    med, best, report = timed(ours, args.repeat)
    print(f"twitchwise factor_insights + count_trend   {med:7.3f} s  ({best:.3f})  aim < 2 s")
    ours_rr = {
        (f.factor, f.lag_days): f.rate_ratio
        for f in getattr(report, "factors", [])
        if f.rate_ratio is not None
    }
    for label, use_glm, one_thread in (
        ("naive: smf.negativebinomial per pair", False, False),
        ("naive: smf.glm NB + HAC per pair", True, False),
        ("  the same with one BLAS thread", True, True),
    ):

        def naive_run(use_glm: bool = use_glm, one_thread: bool = one_thread) -> object:
            if one_thread:
                with one_blas_thread():
                    return naive_insights(frame, use_glm)
            return naive_insights(frame, use_glm)

        n_med, n_best, out = timed(naive_run, max(1, args.repeat // 2))
        assert isinstance(out, tuple)
        naive, failed = out
        diffs = [abs(np.log(ours_rr[k]) - np.log(v)) for k, v in naive.items() if k in ours_rr]
        print(
            f"{label:<42} {n_med:7.3f} s  ({n_best:.3f})  -> twitchwise is "
            f"{n_med / med:.1f}x faster"
        )
        print(
            f"    caffeine per 100 mg {naive[('caffeine_mg', 0)]:.3f} (twitchwise "
            f"{ours_rr[('caffeine_mg', 0)]:.3f}); largest log rate ratio difference over "
            f"{len(diffs)} pairs {max(diffs):.3f}; fits that did not converge: {failed}"
        )

    if args.no_diary:
        return
    from twitchwise.diary import Diary
    from twitchwise.importers.diary_csv import import_diary_csv

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        write_csv(folder, checkins, episodes)
        t0 = time.perf_counter()
        with Diary.open(f"sqlite:///{folder / 'diary.db'}") as diary:
            import_diary_csv(diary, folder)
            setup = time.perf_counter() - t0
            print(f"setup: imported the CSV diary into SQLite in {setup:.1f} s (not benchmarked)")

            def end_to_end() -> object:
                stored = diary.daily_frame()
                report = factor_insights(stored)
                count_trend(stored["twitches"])
                return report

            med_e2e, best_e2e, _ = timed(end_to_end, args.repeat)
            med_db, best_db, _ = timed(diary.daily_frame, args.repeat)
        print(f"SQLite daily_frame() alone                 {med_db:7.3f} s  ({best_db:.3f})")
        print(f"end to end: daily_frame() + insights       {med_e2e:7.3f} s  ({best_e2e:.3f})")


if __name__ == "__main__":
    main()

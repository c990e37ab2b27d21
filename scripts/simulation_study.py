"""The insights simulation study: power and false positives over many synthetic diaries.

    .venv/bin/python scripts/simulation_study.py [--seeds 1000] [--days 120] [--workers 2]

Prints the figures quoted in docs/insights.md and exits non-zero if the targets are missed
(power >= 80% for a rate ratio of 1.3 per 100 mg caffeine over 120 days; false-positive rate
<= 5% per factor when nothing is planted).
"""

from __future__ import annotations

import argparse
import platform
import sys
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from functools import partial, reduce

from twitchwise.stats import Tally, null_runs, power_runs

NULL_SEED_OFFSET = 1_000_000


def _chunks(seeds: range, parts: int) -> list[range]:
    step = max(1, -(-len(seeds) // parts))
    return [seeds[i : i + step] for i in range(0, len(seeds), step)]


def _run(job: Callable[[Sequence[int]], Tally], seeds: range, workers: int) -> Tally:
    if workers <= 1:
        return job(seeds)
    with ProcessPoolExecutor(workers) as pool:
        return reduce(lambda a, b: a + b, pool.map(job, _chunks(seeds, workers * 4)), Tally())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=1000, help="diaries per scenario")
    parser.add_argument("--days", type=int, default=120)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--curve", type=int, default=300, help="diaries per point of the power curve (0: skip)"
    )
    args = parser.parse_args(argv)
    t0 = time.perf_counter()
    print(f"twitchwise insights simulation study (Python {platform.python_version()})")
    print(
        f"{args.seeds} synthetic diaries per scenario, {args.days} calendar days each "
        "(about 8% untracked, 5% of values unknown, overdispersed autocorrelated counts)"
    )

    power = _run(partial(power_runs, days=args.days), range(args.seeds), args.workers)
    nulls = _run(
        partial(null_runs, days=args.days),
        range(NULL_SEED_OFFSET, NULL_SEED_OFFSET + args.seeds),
        args.workers,
    )
    p = power.rate(power.hits)
    print()
    print("Planted: rate ratio 1.3 per 100 mg caffeine, same day")
    print(f"  power (caffeine significant after Holm)  {p:6.1%}   target >= 80%")
    cover = power.covered / power.estimated if power.estimated else float("nan")
    print(f"  95% interval covers 1.3                  {cover:6.1%}")
    print()
    print("Nothing planted: share of diaries where a factor comes out significant (either lag)")
    worst = 0.0
    for name, count in nulls.per_factor.items():
        rate = nulls.rate(count)
        worst = max(worst, rate)
        print(f"  {name:<22} {rate:6.1%}")
    print(f"  worst factor                             {worst:6.1%}   target <= 5%")
    print(f"  any factor at all (family-wise)          {nulls.rate(nulls.any_significant):6.1%}")
    raw = nulls.raw_below_05 / nulls.raw_tests if nulls.raw_tests else float("nan")
    print(f"  unadjusted p < 0.05 (calibration, ~5%)   {raw:6.1%}")

    if args.curve:
        print()
        print(f"Power curve for 1.3 per 100 mg caffeine ({args.curve} diaries per point)")
        for days in (60, 90, 120, 180, 240):
            t = _run(partial(power_runs, days=days), range(args.curve), args.workers)
            print(f"  {days:>4} days  {t.rate(t.hits):6.1%}")
    print()
    print(f"took {time.perf_counter() - t0:.0f} s on {args.workers} worker(s)")
    ok = p >= 0.80 and worst <= 0.05
    print("targets met" if ok else "TARGETS MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

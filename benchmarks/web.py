"""How fast is the web app? POST /api/v1/assess under concurrent load against the same server's
trivial GET /api/v1/health in the same run, and the server time of every page.

The health endpoint is the baseline: it is what the server, the framework and the loopback
connection cost with no work at all, so `assess/health` says how much of that ceiling a real
assessment keeps (target: at least 0.5). Pages are timed one request at a time, so each figure is
the server's time to build the page plus a loopback round trip, against a diary seeded with
eight weeks of realistic entries.

    .venv/bin/python benchmarks/web.py                     # defaults: 16 workers, 3000 requests
    .venv/bin/python benchmarks/web.py --concurrency 32 --requests 5000 --page-repeats 50

The server is the real app, started as `twitchwise serve` starts it (uvicorn, one worker, on
127.0.0.1) against a throwaway SQLite diary; client and server share the machine, so absolute
rates are a floor, while the ratio is fair because both endpoints pay the same client cost.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from datetime import time as dtime
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parents[1]
VIGNETTES = REPO / "tests" / "data" / "vignettes.json"
PAGES = [
    "/",
    "/log",
    "/checkin",
    "/diary",
    "/assess",
    "/insights",
    "/experiment",
    "/import",
    "/docs",
]
SITES = ["left_thigh", "left_thigh", "left_thigh", "right_thigh", "left_calf", "eyelid"]


def realistic_cases() -> list[dict[str, Any]]:
    """The public clinical vignettes as an integrator would send them (no test metadata)."""
    vignettes = json.loads(VIGNETTES.read_text("utf-8"))
    return [{k: v for k, v in v.items() if k not in {"id", "note", "expect"}} for v in vignettes]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def server_cpu_seconds(pid: int) -> float:
    """CPU time (user + system) the server process has used: its cost, whatever else runs."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@dataclass
class Server:
    url: str
    pid: int

    def cpu(self) -> float:
        return server_cpu_seconds(self.pid)


@contextmanager
def running_server(folder: Path) -> Iterator[Server]:
    """The real app under uvicorn (one worker, loopback only) against a fresh SQLite diary."""
    port = _free_port()
    env = {
        **os.environ,
        "TWITCHWISE_DB": f"sqlite:///{folder / 'diary.db'}",
        "XDG_DATA_HOME": str(folder / "data"),
    }
    cmd = [sys.executable, "-m", "uvicorn", "--factory", "twitchwise.web:create_app"]
    cmd += ["--host", "127.0.0.1", "--port", str(port), "--workers", "1"]
    cmd += ["--no-access-log", "--log-level", "warning"]
    log = (folder / "server.log").open("wb")
    proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("server did not start:\n" + (folder / "server.log").read_text())
            try:
                if httpx.get(url + "/api/v1/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        yield Server(url, proc.pid)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def seed_diary(url: str, days: int = 56) -> None:
    """Eight weeks of check-ins and a few twitches a day, written through the JSON API."""
    rnd = random.Random(7)
    today = date.today()
    with httpx.Client(base_url=url, timeout=10) as client:
        for back in range(days, 0, -1):
            day = today - timedelta(days=back)
            checkin = {
                "date": day.isoformat(),
                "sleep_hours": round(rnd.uniform(5, 8.5), 1),
                "caffeine_mg": rnd.choice([0, 95, 190, 285]),
                "stress_level": rnd.randint(1, 9),
                "water_litres": round(rnd.uniform(1, 3), 1),
            }
            client.post("/api/v1/checkins", json=checkin).raise_for_status()
            for _ in range(rnd.randint(0, 4)):
                at = datetime.combine(day, dtime(rnd.randint(7, 22), rnd.randint(0, 59)))
                twitch = {
                    "time": at.isoformat(),
                    "site": rnd.choice(SITES),
                    "count": rnd.randint(1, 20),
                    "intensity": rnd.randint(1, 5),
                }
                client.post("/api/v1/twitches", json=twitch).raise_for_status()


@dataclass
class LoadResult:
    name: str
    requests: int
    errors: int
    seconds: float
    latencies_ms: list[float]
    server_cpu_s: float

    @property
    def rate(self) -> float:
        return self.requests / self.seconds

    @property
    def cpu_ms(self) -> float:
        """Server CPU per request: what the request costs, independent of machine load."""
        return 1000 * self.server_cpu_s / self.requests

    def percentile(self, q: float) -> float:
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]

    def line(self) -> str:
        return (
            f"{self.name:<24} {self.rate:>9.0f} req/s   p50 {self.percentile(0.5):7.2f} ms   "
            f"p99 {self.percentile(0.99):7.2f} ms   server CPU {self.cpu_ms:5.2f} ms/request   "
            f"({self.requests} requests, {self.errors} errors, {self.seconds:.1f} s)"
        )


async def load(
    server: Server,
    name: str,
    method: str,
    path: str,
    bodies: list[Any] | None,
    total: int,
    workers: int,
) -> LoadResult:
    """`workers` clients each send requests back to back until `total` have been sent."""
    latencies: list[float] = []
    errors = 0
    counter = itertools.count()
    limits = httpx.Limits(max_connections=workers, max_keepalive_connections=workers)
    async with httpx.AsyncClient(base_url=server.url, limits=limits, timeout=30) as client:

        async def worker() -> None:
            nonlocal errors
            while (i := next(counter)) < total:
                body = bodies[i % len(bodies)] if bodies else None
                start = time.perf_counter()
                resp = await client.request(method, path, json=body)
                await resp.aread()
                latencies.append((time.perf_counter() - start) * 1000)
                errors += resp.status_code != 200

        cpu_before, started = server.cpu(), time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(workers)))
        seconds, cpu = time.perf_counter() - started, server.cpu() - cpu_before
    return LoadResult(name, total, errors, seconds, latencies, cpu)


def page_times(server: Server, repeats: int) -> list[tuple[str, int, float, float, float]]:
    """(path, status, median ms, p90 ms, server CPU ms) per page, one request at a time."""
    rows = []
    with httpx.Client(base_url=server.url, timeout=30) as client:
        for path in PAGES:
            client.get(path)  # warm templates and caches once
            times = []
            status = 0
            cpu_before = server.cpu()
            for _ in range(repeats):
                start = time.perf_counter()
                resp = client.get(path)
                times.append((time.perf_counter() - start) * 1000)
                status = resp.status_code
            cpu_ms = 1000 * (server.cpu() - cpu_before) / repeats
            times.sort()
            p90 = times[int(0.9 * (len(times) - 1))]
            rows.append((path, status, statistics.median(times), p90, cpu_ms))
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--concurrency", type=int, default=16, help="concurrent clients")
    parser.add_argument("--requests", type=int, default=3000, help="requests per endpoint")
    parser.add_argument("--page-repeats", type=int, default=30, help="GETs of each page")
    args = parser.parse_args(argv)
    cases = realistic_cases()
    with (
        tempfile.TemporaryDirectory(prefix="twitchwise-bench-") as tmp,
        running_server(Path(tmp)) as server,
    ):
        url = server.url
        seed_diary(url)
        # Warm both endpoints, then alternate so drift (CPU boost, GC) hits both alike.
        asyncio.run(load(server, "warm", "GET", "/api/v1/health", None, 200, args.concurrency))
        asyncio.run(load(server, "warm", "POST", "/api/v1/assess", cases, 200, args.concurrency))
        half = max(1, args.requests // 2)
        runs: dict[str, list[LoadResult]] = {"health": [], "assess": []}
        for _ in range(2):
            runs["health"].append(
                asyncio.run(
                    load(server, "health", "GET", "/api/v1/health", None, half, args.concurrency)
                )
            )
            runs["assess"].append(
                asyncio.run(
                    load(server, "assess", "POST", "/api/v1/assess", cases, half, args.concurrency)
                )
            )
        merged = {
            key: LoadResult(
                f"{'GET /api/v1/health' if key == 'health' else 'POST /api/v1/assess'}",
                sum(r.requests for r in rs),
                sum(r.errors for r in rs),
                sum(r.seconds for r in rs),
                [ms for r in rs for ms in r.latencies_ms],
                sum(r.server_cpu_s for r in rs),
            )
            for key, rs in runs.items()
        }
        pages = page_times(server, args.page_repeats)

    print(
        f"twitchwise web benchmark: uvicorn, 1 worker, 127.0.0.1; {args.concurrency} concurrent "
        f"clients, {merged['health'].requests} requests per endpoint; {len(cases)} vignette cases; "
        f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load average "
        f"{os.getloadavg()[0]:.1f} (client and server share them)"
    )
    print()
    print(merged["health"].line())
    print(merged["assess"].line())
    ratio = merged["assess"].rate / merged["health"].rate
    verdict = "meets" if ratio >= 0.5 else "BELOW"
    print(f"assess/health throughput ratio: {ratio:.2f} ({verdict} the 0.5 target)")
    cpu_ratio = merged["health"].cpu_ms / merged["assess"].cpu_ms
    verdict = "meets" if cpu_ratio >= 0.5 else "BELOW"
    print(
        f"assess/health by server CPU per request: {cpu_ratio:.2f} ({verdict} the 0.5 target; "
        "the rate ratio a server with the CPU to itself would reach)"
    )
    print()
    print(f"page server time, {args.page_repeats} sequential GETs each (diary: 8 weeks seeded)")
    print(f"{'page':<14} {'status':>6} {'median ms':>10} {'p90 ms':>8} {'server CPU ms':>14}")
    for path, status, median, p90, cpu_ms in pages:
        print(f"{path:<14} {status:>6} {median:>10.2f} {p90:>8.2f} {cpu_ms:>14.2f}")
    failed = merged["health"].errors + merged["assess"].errors
    bad_pages = [p for p, status, *_ in pages if status != 200]
    if failed or bad_pages:
        print(f"\nerrors: {failed} failed requests; pages not 200: {bad_pages}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

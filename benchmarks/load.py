"""Many people, two server processes and one worker on one PostgreSQL: is any write lost or doubled?

Loopback only, bounded. The script starts its own PostgreSQL (initdb in a temporary folder, a
unix socket, no TCP), makes an ordinary role that owns the database (row-level security binds
it), creates N people with an API token each through the core `Accounts`, and starts two
`twitchwise serve --accounts` processes and one `twitchwise worker`. Each simulated person then
logs twitches (each with a client_id), saves check-ins, and asks for insights and assessments,
with a think time between actions, for the duration; now and then one uploads an export. Midway
one server process is killed (SIGKILL): its clients retry on the other with the same client_id.

At the end it prints requests per second and p50/p99 latency per kind, and checks in the
database (as the superuser, past row-level security) that every twitch a client sent exists
exactly once, in its own person's diary, and that every check-in holds the last value the client
saved. It prints PASS or FAIL (exit status 0 or 1).

    .venv/bin/python benchmarks/load.py                         # 200 people, 3 minutes
    .venv/bin/python benchmarks/load.py --people 20 --duration 20 --seed 7
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parents[1]
EXPORT = REPO / "tests" / "data" / "apple-health" / "alxdrcirilo-apple-health-parser-export.zip"
PG_BIN = Path(os.environ.get("TWITCHWISE_PG_BIN", "/usr/lib/postgresql/15/bin"))
APP_ROLE = "twitchwise_app"
PASSWORD = "load test passphrase 12345"
SITES = ["left_thigh", "right_calf", "eyelid", "right_thigh", "left_calf", "right_upper_arm"]
CASE = {"sites": ["left_thigh"], "duration_days": 3, "factors": {"caffeine_mg_per_day": 400}}
KINDS = {"twitch": 50, "checkin": 25, "insights": 12, "assess": 12, "import": 1}
"""How often each kind of action is chosen (weights)."""
DAYS_PER_PERSON = 5
RETRIES = 40
IMPORT_HEADER = {"X-Requested-With": "twitchwise"}


# -- PostgreSQL --------------------------------------------------------------------------------


@dataclass
class Database:
    app_url: str
    """As the ordinary role owning the database (what the servers and the worker use)."""
    admin_url: str
    """The same database as the superuser, for the checks (row-level security does not bind it)."""


def _as_postgres(args: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else args


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def postgres(folder: Path) -> Iterator[Database]:
    """A throw-away PostgreSQL on a unix socket in `folder`, stopped at the end."""
    if not (PG_BIN / "initdb").exists():
        sys.exit(f"PostgreSQL binaries not found in {PG_BIN} (set TWITCHWISE_PG_BIN)")
    root = folder / "pg"
    root.mkdir(mode=0o755)
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    data, port = root / "data", _free_port()

    def run(*args: str) -> None:
        subprocess.run(
            _as_postgres([str(PG_BIN / args[0]), *args[1:]]),
            check=True,
            capture_output=True,
            text=True,
        )

    run("initdb", "-D", str(data), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync")
    options = f"-p {port} -k {root} -c listen_addresses='' -c fsync=off -c max_connections=200"
    run("pg_ctl", "-D", str(data), "-o", options, "-l", str(root / "log"), "-w", "start")
    try:
        import psycopg

        with psycopg.connect(
            host=str(root), port=port, user="postgres", dbname="postgres", autocommit=True
        ) as conn:
            conn.execute(f"CREATE ROLE {APP_ROLE} LOGIN NOSUPERUSER NOBYPASSRLS")
            conn.execute(f"CREATE DATABASE twitchwise OWNER {APP_ROLE}")
        url = f"postgresql+psycopg://{{}}@/twitchwise?host={root}&port={port}"
        yield Database(url.format(APP_ROLE), url.format("postgres"))
    finally:
        run("pg_ctl", "-D", str(data), "-m", "immediate", "-w", "stop")


# -- people ------------------------------------------------------------------------------------


@dataclass
class Person:
    index: int
    person_id: int
    token: str
    days: list[date]
    server: int
    twitches: dict[str, bool] = field(default_factory=dict)
    """client_id -> acknowledged (2xx)."""
    checkins: dict[date, float] = field(default_factory=dict)
    """day -> the last sleep_hours value acknowledged."""
    unsure: set[date] = field(default_factory=set)
    """Days whose last save was never acknowledged (then either value may be stored)."""


def make_people(app_url: str, n: int, rng: random.Random) -> list[Person]:
    """N people with a personal access token each, through the core Accounts."""
    from twitchwise.accounts import Accounts
    from twitchwise.diary import Diary

    today = date.today()
    with Diary.open(app_url) as diary:
        accounts = Accounts(diary.engine)
        accounts.add_person("person0@load.test", PASSWORD)  # the first takes over person 1

        def make(i: int) -> Person:
            found = accounts.find(f"person{i}@load.test")
            person = found or accounts.add_person(f"person{i}@load.test", PASSWORD)
            _, secret = accounts.new_token(person.id, "load test")
            days = [today - timedelta(days=1 + k) for k in range(DAYS_PER_PERSON)]
            return Person(i, person.id, secret, days, server=i % 2)

        with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:  # Argon2 frees the GIL
            people = list(pool.map(make, range(n)))
    rng.shuffle(people)
    return people


# -- processes ---------------------------------------------------------------------------------


def _twitchwise() -> str:
    return str(Path(sys.executable).parent / "twitchwise")


def start_server(url: str, port: int, log: Path, env: dict[str, str]) -> subprocess.Popen[bytes]:
    """`twitchwise serve --accounts` on 127.0.0.1:port."""
    args = [_twitchwise(), "--db", url, "serve", "--accounts", "--port", str(port)]
    with log.open("ab") as out:
        return subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT, env=env)


def start_worker(url: str, log: Path, env: dict[str, str]) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        return subprocess.Popen(
            [_twitchwise(), "--db", url, "worker"], stdout=out, stderr=subprocess.STDOUT, env=env
        )


def wait_until_up(port: int, proc: subprocess.Popen[bytes], timeout_s: float = 60) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server on port {port} exited with {proc.returncode}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"the server on port {port} did not answer within {timeout_s} s")


def stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


# -- the simulation ----------------------------------------------------------------------------


@dataclass
class Stats:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    retries: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    failures: list[str] = field(default_factory=list)


class Cluster:
    """The two servers' addresses and which are still alive (as the clients have found)."""

    def __init__(self, ports: list[int]) -> None:
        self.ports = ports
        self.down: set[int] = set()

    def other(self, index: int) -> int:
        for step in range(1, len(self.ports) + 1):
            candidate = (index + step) % len(self.ports)
            if candidate not in self.down:
                return candidate
        return (index + 1) % len(self.ports)


async def call(
    http: httpx.AsyncClient,
    cluster: Cluster,
    person: Person,
    stats: Stats,
    kind: str,
    method: str,
    path: str,
    **kw: Any,
) -> httpx.Response | None:
    """One request, retried on the other server (same body, same client_id) when a server is
    gone or answers 5xx; its latency counts from the first try to the answer."""
    headers = {"Authorization": f"Bearer {person.token}", **kw.pop("headers", {})}
    started = time.perf_counter()
    for attempt in range(RETRIES):
        port = cluster.ports[person.server]
        try:
            response = await http.request(
                method, f"http://127.0.0.1:{port}{path}", headers=headers, **kw
            )
        except httpx.TransportError:
            response = None
        if response is not None and response.status_code < 500:
            stats.latencies[kind].append(time.perf_counter() - started)
            if response.status_code >= 400:
                stats.errors[kind] += 1
                stats.failures.append(
                    f"{kind} {path}: {response.status_code} {response.text[:200]}"
                )
            return response
        stats.retries[kind] += 1
        if response is None:
            cluster.down.add(person.server)
        person.server = cluster.other(person.server)
        await asyncio.sleep(min(1.0, 0.05 * (attempt + 1)))
    stats.errors[kind] += 1
    stats.failures.append(f"{kind} {path}: no server answered after {RETRIES} tries")
    return None


async def act(
    http: httpx.AsyncClient, cluster: Cluster, person: Person, stats: Stats, rng: random.Random
) -> None:
    kind = rng.choices(list(KINDS), weights=list(KINDS.values()))[0]
    if kind == "twitch":
        client_id = f"p{person.index}-{len(person.twitches)}"
        person.twitches[client_id] = False
        body = {"site": rng.choice(SITES), "count": rng.randint(1, 20), "client_id": client_id}
        response = await call(
            http, cluster, person, stats, kind, "POST", "/api/v1/twitches", json=body
        )
        person.twitches[client_id] = response is not None and response.status_code in (200, 201)
    elif kind == "checkin":
        day = rng.choice(person.days)
        sleep = round(rng.uniform(4, 9), 2)
        body = {"sleep_hours": sleep, "stress_level": rng.randint(0, 10)}
        response = await call(
            http,
            cluster,
            person,
            stats,
            kind,
            "PUT",
            f"/api/v1/checkins/{day.isoformat()}",
            json=body,
        )
        if response is not None and response.status_code == 200:
            person.checkins[day] = sleep
            person.unsure.discard(day)
        else:
            person.unsure.add(day)
    elif kind == "insights":
        await call(http, cluster, person, stats, kind, "GET", "/api/v1/insights")
    elif kind == "assess":
        await call(http, cluster, person, stats, kind, "POST", "/api/v1/assess", json=CASE)
    else:
        files = {"file": ("export.zip", EXPORT.read_bytes(), "application/zip")}
        await call(
            http,
            cluster,
            person,
            stats,
            kind,
            "POST",
            "/api/v1/imports",
            files=files,
            headers=IMPORT_HEADER,
        )


async def simulate(
    people: list[Person],
    cluster: Cluster,
    *,
    duration_s: float,
    think_s: float,
    kill: Any,
    seed: int,
) -> tuple[Stats, float]:
    stats = Stats()
    end = time.monotonic() + duration_s
    limits = httpx.Limits(max_connections=len(people) + 10, max_keepalive_connections=len(people))
    async with httpx.AsyncClient(timeout=30, limits=limits) as http:

        async def person_loop(person: Person) -> None:
            rng = random.Random(f"{seed}-{person.index}")
            await asyncio.sleep(rng.uniform(0, think_s))
            while time.monotonic() < end:
                await act(http, cluster, person, stats, rng)
                await asyncio.sleep(rng.expovariate(1 / think_s) if think_s > 0 else 0)

        async def killer() -> None:
            await asyncio.sleep(duration_s / 2)
            kill()

        started = time.monotonic()
        await asyncio.gather(killer(), *(person_loop(p) for p in people))
        return stats, time.monotonic() - started


# -- the checks --------------------------------------------------------------------------------


def check(admin_url: str, people: list[Person]) -> list[str]:
    """Every acknowledged twitch exactly once, in its own person's diary; no twitch nobody sent;
    every check-in holding its last saved value."""
    import psycopg

    from twitchwise.jobs._queue import conninfo

    problems: list[str] = []
    with psycopg.connect(conninfo(admin_url)) as conn:
        for person in people:
            owner = person.person_id
            prefix = f"p{person.index}-"
            rows = conn.execute(
                "SELECT client_id, person_id, count(*) FROM twitches "
                "WHERE client_id LIKE %s GROUP BY client_id, person_id",
                (prefix + "%",),
            ).fetchall()
            stored: dict[str, int] = defaultdict(int)
            for client_id, person_id, count in rows:
                if person_id != owner:
                    problems.append(f"{client_id} is in person {person_id}'s diary, not {owner}'s")
                stored[client_id] += count
            for client_id, acknowledged in person.twitches.items():
                if stored.get(client_id, 0) > 1:
                    problems.append(f"twitch {client_id} stored {stored[client_id]} times")
                elif acknowledged and stored.get(client_id, 0) == 0:
                    problems.append(f"twitch {client_id} was acknowledged but is not stored")
            for client_id in stored.keys() - person.twitches.keys():
                problems.append(f"twitch {client_id} is stored but was never sent")
            for day, sleep in person.checkins.items():
                if day in person.unsure:
                    continue
                row = conn.execute(
                    "SELECT sleep_hours FROM checkins WHERE person_id = %s AND day = %s",
                    (owner, day),
                ).fetchone()
                if row is None or abs(float(row[0]) - sleep) > 1e-9:
                    got = None if row is None else row[0]
                    problems.append(
                        f"person {person.index}'s check-in of {day}: {got}, not {sleep}"
                    )
    return problems


def report(stats: Stats, elapsed: float, people: list[Person]) -> None:
    print(
        f"\n{'kind':<10}{'requests':>10}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}"
        f"{'errors':>8}{'retries':>9}"
    )
    total = 0
    for kind in KINDS:
        times = sorted(stats.latencies.get(kind, []))
        total += len(times)
        if not times:
            print(f"{kind:<10}{0:>10}")
            continue
        p50 = statistics.median(times) * 1000
        p99 = times[min(len(times) - 1, int(0.99 * len(times)))] * 1000
        print(
            f"{kind:<10}{len(times):>10}{len(times) / elapsed:>9.1f}{p50:>9.1f}{p99:>9.1f}"
            f"{stats.errors.get(kind, 0):>8}{stats.retries.get(kind, 0):>9}"
        )
    print(f"{'all':<10}{total:>10}{total / elapsed:>9.1f}")
    sent = sum(len(p.twitches) for p in people)
    saved = sum(len(p.checkins) for p in people)
    print(f"\n{sent} twitches sent, {saved} person-days of check-ins saved, {elapsed:.0f} s")


# -- main --------------------------------------------------------------------------------------


def run(
    people_n: int,
    duration_s: float,
    seed: int,
    think_s: float,
    database: Database,
    folder: Path,
) -> bool:
    """Set up, load, kill one server midway, check; True when no write was lost or doubled."""
    rng = random.Random(seed)
    t0 = time.monotonic()
    people = make_people(database.app_url, people_n, rng)
    print(f"{people_n} people with tokens made in {time.monotonic() - t0:.1f} s", flush=True)
    env = {**os.environ, "XDG_DATA_HOME": str(folder / "data"), "PYTHONUNBUFFERED": "1"}
    ports = [_free_port(), _free_port()]
    servers = [
        start_server(database.app_url, p, folder / f"server{i}.log", env)
        for i, p in enumerate(ports)
    ]
    worker = start_worker(database.app_url, folder / "worker.log", env)
    try:
        for port, server in zip(ports, servers, strict=True):
            wait_until_up(port, server)
        probe = httpx.get(f"http://127.0.0.1:{ports[0]}/api/v1/twitches", timeout=10)
        if probe.status_code != 401:
            raise RuntimeError(f"a request without a token got {probe.status_code}, not 401")
        cluster = Cluster(ports)

        def kill() -> None:
            print(f"killing server 0 (pid {servers[0].pid}) with SIGKILL", flush=True)
            servers[0].send_signal(signal.SIGKILL)

        print(f"running {duration_s:.0f} s against 2 servers and 1 worker", flush=True)
        stats, elapsed = asyncio.run(
            simulate(people, cluster, duration_s=duration_s, think_s=think_s, kill=kill, seed=seed)
        )
    finally:
        for proc in [*servers, worker]:
            stop(proc)
    report(stats, elapsed, people)
    problems = check(database.admin_url, people)
    unacknowledged = sum(not ok for p in people for ok in p.twitches.values())
    for failure in stats.failures[:10]:
        print(f"error: {failure}")
    for problem in problems[:20]:
        print(f"problem: {problem}")
    ok = not problems and not stats.failures and unacknowledged == 0
    print(
        f"{'PASS' if ok else 'FAIL'}: {len(problems)} lost or doubled writes, "
        f"{sum(stats.errors.values())} errors, {unacknowledged} unacknowledged twitches"
    )
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=200, help="simulated people (default 200)")
    parser.add_argument("--duration", type=float, default=180, help="seconds of load (default 180)")
    parser.add_argument(
        "--think",
        type=float,
        default=1.0,
        help="mean pause in seconds between a person's actions (default 1.0)",
    )
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    print(
        f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}; "
        f"{os.cpu_count()} CPUs"
    )
    with tempfile.TemporaryDirectory(prefix="twitchwise-load-") as tmp:
        folder = Path(tmp)
        folder.chmod(0o755)
        with postgres(folder) as database:
            ok = run(args.people, args.duration, args.seed, args.think, database, folder)
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

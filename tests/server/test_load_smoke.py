"""The load test, short: 20 people on two server processes and a worker for ~20 s, one server
killed with SIGKILL midway; no twitch may be lost or doubled and every check-in keeps its last
value (benchmarks/load.py, which runs the full 200 people for 3 minutes)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import ModuleType

import pytest
from benchmark_scripts import benchmark_script

from twitchwise.accounts import _passwords

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


def _load() -> ModuleType:
    return benchmark_script("load", "load_benchmark")


def test_no_write_is_lost_or_doubled_when_a_server_is_killed(
    app_postgres_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from pwdlib import PasswordHash
    from pwdlib.hashers.argon2 import Argon2Hasher

    # The servers sign in by token; the people's passwords only need to be made, and quickly.
    cheap = PasswordHash((Argon2Hasher(time_cost=1, memory_cost=1024, parallelism=1),))
    monkeypatch.setattr(_passwords, "hasher", lambda: cheap)
    load = _load()
    database = load.Database(
        app_url=app_postgres_url,
        admin_url=app_postgres_url.replace(f"{load.APP_ROLE}@", "postgres@", 1),
    )
    # In a thread of its own: the benchmark's asyncio.run refuses a thread whose loop runs (the
    # main thread's, once Playwright has started in a full session).
    with ThreadPoolExecutor(max_workers=1) as pool:
        ok = pool.submit(load.run, 20, 20.0, 7, 0.25, database, tmp_path).result()
    out = capsys.readouterr().out
    assert ok, out
    assert "killing server 0" in out and "PASS" in out
    twitches = next(line for line in out.splitlines() if line.startswith("twitch "))
    assert int(twitches.split()[1]) > 100, "the clients really logged twitches"

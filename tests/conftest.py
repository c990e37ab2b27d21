"""Shared fixtures. Database: a real PostgreSQL server for the session, and a `diary` fixture that
runs each storage test on SQLite and on PostgreSQL."""

from __future__ import annotations

import itertools
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest

from twitchwise.diary import Diary

PG_BIN = Path(os.environ.get("TWITCHWISE_PG_BIN", "/usr/lib/postgresql/15/bin"))


@dataclass(frozen=True)
class PostgresServer:
    """A running server reachable through its unix socket as the `postgres` superuser."""

    socket_dir: str
    port: int

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://postgres@/{database}?host={self.socket_dir}&port={self.port}"

    def admin(self) -> psycopg.Connection[tuple[object, ...]]:
        return psycopg.connect(
            host=self.socket_dir,
            port=self.port,
            user="postgres",
            dbname="postgres",
            autocommit=True,
        )


def _as_postgres(args: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: run its tools as the `postgres` user when we are root."""
    return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else args


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """Start a throw-away PostgreSQL 15 cluster from the machine's binaries; stop it at the end."""
    if not (PG_BIN / "initdb").exists():
        pytest.fail(
            f"PostgreSQL server binaries not found in {PG_BIN}: install the Debian package "
            "`postgresql` (make system-deps) or set TWITCHWISE_PG_BIN"
        )
    root = Path(tempfile.mkdtemp(prefix="twitchwise-pg-"))
    root.chmod(0o755)
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    data, port = root / "data", _free_port()
    run = lambda *a: subprocess.run(_as_postgres([str(PG_BIN / a[0]), *a[1:]]), check=True,  # noqa: E731
                                    capture_output=True, text=True)  # fmt: skip
    run("initdb", "-D", str(data), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync")
    options = f"-p {port} -k {root} -c listen_addresses='' -c fsync=off"
    run("pg_ctl", "-D", str(data), "-o", options, "-l", str(root / "log"), "-w", "start")
    try:
        yield PostgresServer(str(root), port)
    finally:
        run("pg_ctl", "-D", str(data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(root, ignore_errors=True)


_db_numbers = itertools.count(1)


@pytest.fixture
def postgres_url(postgres_server: PostgresServer) -> Iterator[str]:
    """A fresh, empty database on the session's server; dropped afterwards."""
    name = f"twitchwise_{os.getpid()}_{next(_db_numbers)}"
    with postgres_server.admin() as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield postgres_server.url(name)
    with postgres_server.admin() as conn:
        conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


APP_ROLE = "twitchwise_app"
"""An ordinary role (not a superuser, no BYPASSRLS), as a server with accounts must use: row-level
security binds it, while it binds no superuser."""


@pytest.fixture
def app_postgres_url(postgres_server: PostgresServer) -> Iterator[str]:
    """A fresh database owned by the ordinary role `APP_ROLE`, and a URL connecting as it."""
    name = f"twitchwise_app_{os.getpid()}_{next(_db_numbers)}"
    with postgres_server.admin() as conn:
        exists = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (APP_ROLE,)).fetchone()
        if not exists:
            conn.execute(f"CREATE ROLE {APP_ROLE} LOGIN NOSUPERUSER NOBYPASSRLS")
        conn.execute(f'CREATE DATABASE "{name}" OWNER {APP_ROLE}')
    yield postgres_server.url(name).replace("postgres@", f"{APP_ROLE}@", 1)
    with postgres_server.admin() as conn:
        conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """A SQLite file in the test's temporary folder."""
    return f"sqlite:///{tmp_path / 'diary.db'}"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest) -> str:
    """A fresh diary database URL, once on a SQLite file and once on PostgreSQL."""
    fixture = "sqlite_url" if request.param == "sqlite" else "postgres_url"
    return str(request.getfixturevalue(fixture))


@pytest.fixture
def diary(db_url: str) -> Iterator[Diary]:
    """An empty, migrated diary, on SQLite and on PostgreSQL."""
    with Diary.open(db_url) as opened:
        yield opened

"""Two people in one database, each with one of everything on the same days and keys.

`World` holds the shared diary, person A's and B's views of it, what B holds (ids, days), and A's
view taken before B wrote anything: B's rows must change nothing A sees. B's text fields all carry
`MARK_B`, so any answer to A that shows B's data is found by searching for it.
"""

from __future__ import annotations

import itertools
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from twitchwise.diary import DayValue, Diary
from twitchwise.diary._models import PersonRow

MARK_A = "alpha-own-5c1d"
MARK_B = "bravo-secret-9e4f"
DAY = date(2026, 3, 2)
B_ONLY_DAY = DAY + timedelta(days=5)
"""A day on which only B has a check-in and twitches."""
SHARED_SOURCE = "apple-health"
PLUS_ONE = timezone(timedelta(hours=1))
APP_ROLE = "twitchwise_app"
"""The ordinary role of tests/conftest.py's `app_postgres_url`, which row-level security binds."""


def new_person(engine: Engine) -> int:
    """A person row without an account (fast: no password hashing); returns its id."""
    with Session(engine) as session, session.begin():
        row = PersonRow(created_at=datetime(2026, 1, 1))
        session.add(row)
        session.flush()
        return row.id


@dataclass
class Held:
    """What one person put in the diary: ids and days to aim at."""

    twitches: list[int] = field(default_factory=list)
    experiments: list[int] = field(default_factory=list)
    active_experiment: int = 0
    assessments: list[int] = field(default_factory=list)
    days: list[date] = field(default_factory=list)


def fill_person(diary: Diary, mark: str, base: float, *, only_b: bool = False) -> Held:
    """One of everything, on the shared days and keys; `base` makes the values differ."""
    held = Held()
    for twitch in (
        diary.add_twitch(
            "left_calf",
            datetime(2026, 3, 2, 8, 15, tzinfo=PLUS_ONE),
            intensity=3,
            count=4,
            note=f"{mark} calf",
            client_id="phone-1",
        ),
        diary.add_twitch("eyelid", datetime(2026, 3, 3, 21, 40), duration_s=base, note=mark),
    ):
        held.twitches.append(twitch.id)
    diary.save_checkin(
        DAY, sleep_hours=base, caffeine_mg=100 + base, symptoms=["cramping"], notes=mark
    )
    diary.save_checkin(DAY + timedelta(days=1), sleep_hours=base + 1, medications=[mark])
    held.days = [DAY, DAY + timedelta(days=1)]
    diary.import_day_values(
        [DayValue(DAY, "sleep_hours", base - 0.5), DayValue(DAY, "steps", 1000 * base)],
        SHARED_SOURCE,
    )
    diary.import_day_values([DayValue(DAY, "steps", 10 * base)], f"{mark}-app")
    for n in (1, 2):
        held.assessments.append(
            diary.record_assessment(
                {"age": 30 + n, "note": mark},
                {"triage": "self_care", "summary": f"{mark} summary {n}"},
                "web",
                client_id=f"assess-{n}",
            )
        )
    ended = diary.save_experiment({"factor": "caffeine", "note": mark, "days": 14})
    diary.end_experiment(ended)
    held.active_experiment = diary.save_experiment({"factor": "sleep", "note": mark})
    held.experiments = [ended, held.active_experiment]
    if only_b:
        twitch = diary.add_twitch(
            "neck", datetime(2026, 3, 7, 9, 0), note=f"{mark} neck", client_id="b-only-1"
        )
        held.twitches.append(twitch.id)
        diary.save_checkin(B_ONLY_DAY, sleep_hours=5, notes=f"{mark} only")
        held.days.append(B_ONLY_DAY)
    return held


@dataclass
class World:
    """A database with person A and person B (and the local person, empty)."""

    url: str
    base: Diary
    a: Diary
    b: Diary
    held_a: Held
    held_b: Held
    a_before: dict[str, Any]
    """A's view before B wrote anything."""

    def b_rows(self) -> dict[str, list[dict[str, Any]]]:
        return self.b.all_rows()


def view_of(diary: Diary) -> dict[str, Any]:
    """Everything a person's diary answers about its content, in comparable form."""
    return {
        "all_rows": diary.all_rows(),
        "row_counts": diary.row_counts(),
        "daily_frame": diary.daily_frame().to_csv(),
        "counts_by_day": diary.twitch_counts_by_day().to_csv(),
        "last_change": diary.last_change(),
        "day_values_in_use": diary.day_values_in_use(),
    }


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def shared_url(request: pytest.FixtureRequest) -> str:
    """A fresh database: a SQLite file, or PostgreSQL as the ordinary role row security binds."""
    fixture = "sqlite_url" if request.param == "sqlite" else "app_postgres_url"
    return str(request.getfixturevalue(fixture))


@dataclass(frozen=True)
class Template:
    """A filled database to copy for each test (filling one takes longer than copying it)."""

    kind: str
    location: str
    held_a: Held
    held_b: Held
    a_id: int
    b_id: int
    a_before: dict[str, Any]


def _filled(url: str) -> tuple[Held, Held, int, int, dict[str, Any]]:
    with Diary.open(url) as base:
        a_id, b_id = new_person(base.engine), new_person(base.engine)
        held_a = fill_person(base.for_person(a_id), MARK_A, 6.0)
        a_before = view_of(base.for_person(a_id))
        held_b = fill_person(base.for_person(b_id), MARK_B, 8.0, only_b=True)
    return held_a, held_b, a_id, b_id, a_before


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def template(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Template]:
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("template") / "diary.db"
        yield Template("sqlite", str(path), *_filled(f"sqlite:///{path}"))
        return
    with app_database(request, "tmpl") as (_, name, url):
        yield Template("postgresql", name, *_filled(url))


@contextmanager
def app_database(request: pytest.FixtureRequest, kind: str) -> Iterator[tuple[Any, str, str]]:
    """A new PostgreSQL database owned by the ordinary role (as tests/conftest.py's
    `app_postgres_url`, for any fixture scope): (server, name, URL as that role)."""
    server: Any = request.getfixturevalue("postgres_server")
    name = f"twitchwise_{kind}_{os.getpid()}_{next(_numbers)}"
    with server.admin() as conn:
        if not conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (APP_ROLE,)).fetchone():
            conn.execute(f"CREATE ROLE {APP_ROLE} LOGIN NOSUPERUSER NOBYPASSRLS")
        conn.execute(f'CREATE DATABASE "{name}" OWNER {APP_ROLE}')
    yield server, name, _app_url(server, name)
    with server.admin() as conn:
        conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


def _app_url(server: Any, name: str) -> str:
    return server.url(name).replace("postgres@", f"{APP_ROLE}@", 1)


_numbers = itertools.count(1)


@contextmanager
def _copy(template: Template, request: pytest.FixtureRequest, folder: Path) -> Iterator[str]:
    """A copy of the template's database, to change as one likes; its URL."""
    if template.kind == "sqlite":
        copy = folder / "diary.db"
        shutil.copyfile(template.location, copy)
        yield f"sqlite:///{copy}"
        return
    server: Any = request.getfixturevalue("postgres_server")
    name = f"{template.location}_{next(_numbers)}"
    with server.admin() as conn:
        conn.execute(
            f'CREATE DATABASE "{name}" TEMPLATE "{template.location}" OWNER {APP_ROLE}'
            " STRATEGY FILE_COPY"
        )
    yield _app_url(server, name)
    with server.admin() as conn:
        conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


@contextmanager
def _world(template: Template, url: str) -> Iterator[World]:
    with Diary.open(url) as base:
        a, b = base.for_person(template.a_id), base.for_person(template.b_id)
        yield World(url, base, a, b, template.held_a, template.held_b, template.a_before)


@pytest.fixture
def world(template: Template, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[World]:
    """Person A and person B, each with one of everything (see the module docstring)."""
    with _copy(template, request, tmp_path) as url, _world(template, url) as made:
        yield made


@pytest.fixture(scope="module")
def reading_world(
    template: Template, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    """One `world` shared by the tests that only read (they also check that they changed
    nothing of B's)."""
    folder = tmp_path_factory.mktemp("reading")
    with _copy(template, request, folder) as url, _world(template, url) as made:
        yield made

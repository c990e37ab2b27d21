"""The command line starts fast: every command's `--help`, and `twitchwise log`, load nothing heavy.

Each check runs in a fresh interpreter (this test process has long since imported everything) and
looks at `sys.modules`. A new command module that imports pandas, SQLAlchemy, FastAPI, statsmodels
or a heavy twitchwise package at its top fails here; import them inside the command function
(docs/architecture.md, "Command-line start-up").
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from twitchwise.cli import app
from twitchwise.diary import Diary

ALWAYS_HEAVY = (
    "pandas",
    "numpy",
    "scipy",
    "statsmodels",
    "fastapi",
    "starlette",
    "uvicorn",
    "jinja2",
    "lxml",
    "weasyprint",
    "fhir",
    "twitchwise.stats",
    "twitchwise.web",
    "twitchwise.importers",
)
"""Never needed to show help or to log a twitch."""
HEAVY_FOR_HELP = (
    *ALWAYS_HEAVY,
    "sqlalchemy",
    "alembic",
    "pydantic",
    "pydantic_settings",
    "twitchwise.diary._diary",
)
"""Help needs none of the storage, nor pydantic (Typer below 0.29 does not load it)."""

_PROBE = """
import json, sys
import typer.main
from twitchwise.cli import app

heavy = json.loads(sys.argv[1])

def paths(command, prefix):
    yield prefix
    for name, sub in sorted(getattr(command, "commands", {}).items()):
        yield from paths(sub, [*prefix, name])

found = None
for path in list(paths(typer.main.get_command(app), [])):
    try:
        app([*path, "--help"], prog_name="twitchwise")
    except SystemExit as exc:
        if exc.code not in (0, None):
            found = {"command": path, "exit": exc.code}
            break
    loaded = [h for h in heavy if h in sys.modules]
    if loaded:
        found = {"command": path, "loaded": loaded}
        break
count = len(list(paths(typer.main.get_command(app), [])))
print("RESULT " + json.dumps({"found": found, "count": count}))
"""


def _probe(code: str, *args: str, env: dict[str, str] | None = None) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **(env or {})},
        check=False,
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith("RESULT ")]
    assert lines, f"probe failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}"
    result: dict[str, object] = json.loads(lines[-1].removeprefix("RESULT "))
    return result


def test_every_commands_help_imports_nothing_heavy() -> None:
    result = _probe(_PROBE, json.dumps(HEAVY_FOR_HELP))
    found = result["found"]
    assert found is None, (
        f"{found}: `twitchwise ... --help` loaded these; import heavy modules inside the command "
        "function, not at the top of the CLI module"
    )
    assert isinstance(result["count"], int) and result["count"] >= 10  # the walk saw the commands


_LOG = """
import json, sys
from twitchwise.cli import app
try:
    app(["log", "left_thigh", "--note", "probe"], prog_name="twitchwise")
except SystemExit as exc:
    code = exc.code
heavy = json.loads(sys.argv[1])
print("RESULT " + json.dumps({"code": code, "loaded": [h for h in heavy if h in sys.modules]}))
"""


LOG_HEAVY = (
    *ALWAYS_HEAVY,
    "alembic",
    "sqlalchemy",
    "pydantic",
    "twitchwise.diary._diary",
    "twitchwise.diary._validate",
)
"""`log` (and `checkin` with flags) into an existing SQLite diary takes the quick path
(diary._quick, stdlib sqlite3), which needs no pydantic either: Typer 0.29 would load it to
convert every option, which is why pyproject.toml keeps Typer below 0.29."""


def test_log_imports_no_storage_library_statistics_web_or_migration_code(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'diary.db'}"
    with Diary.open(url):  # created and migrated, as on every `log` after the first
        pass
    result = _probe(_LOG, json.dumps(LOG_HEAVY), env={"TWITCHWISE_DB": url})
    assert result == {"code": 0, "loaded": []}
    with Diary.open(url) as diary:
        assert [t.note for t in diary.list_twitches()] == ["probe"]


def test_a_check_in_with_flags_takes_the_quick_path_too(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'diary.db'}"
    with Diary.open(url):
        pass
    probe = _LOG.replace(
        '["log", "left_thigh", "--note", "probe"]', '["checkin", "--sleep-hours", "7"]'
    )
    assert probe != _LOG
    result = _probe(probe, json.dumps(LOG_HEAVY), env={"TWITCHWISE_DB": url})
    assert result == {"code": 0, "loaded": []}
    with Diary.open(url) as diary:
        assert [c.sleep_hours for c in diary.list_checkins()] == [7]


def test_the_first_log_creates_the_diary_quickly_too(tmp_path: Path) -> None:
    """A new diary comes from the schema snapshot (diary/_sqlite.py), with no Alembic or
    SQLAlchemy, so the very first `log` is as quick as the others."""
    url = f"sqlite:///{tmp_path / 'new.db'}"
    result = _probe(_LOG, json.dumps(LOG_HEAVY), env={"TWITCHWISE_DB": url})
    assert result == {"code": 0, "loaded": []}
    with Diary.open(url) as diary:
        assert [t.note for t in diary.list_twitches()] == ["probe"]


def test_help_text_constants_agree_with_the_modules_they_stand_in_for() -> None:
    """The CLI repeats a few names so that `--help` need not import their modules."""
    from twitchwise.cli import apple_health, diary_io
    from twitchwise.importers import diary_csv
    from twitchwise.importers.apple_health import AppleHealthImporter
    from twitchwise.knowledge._keys import experiment_keys
    from twitchwise.stats import EXPERIMENT_FACTORS

    assert AppleHealthImporter.name == apple_health.SOURCE
    assert (diary_io.TWITCHES_FILE, diary_io.DAYS_FILE, diary_io.DAY_VALUES_FILE) == (
        diary_csv.TWITCHES_FILE,
        diary_csv.DAYS_FILE,
        diary_csv.DAY_VALUES_FILE,
    )
    assert experiment_keys() == tuple(EXPERIMENT_FACTORS)


def test_the_shortcut_past_alembic_knows_the_head_revision() -> None:
    """`Diary.open` skips Alembic when the database is at the head it reads from the files."""
    from twitchwise.diary._store import _plain_head, head_revision

    assert _plain_head() == head_revision() is not None
    assert app.info.name == "twitchwise"

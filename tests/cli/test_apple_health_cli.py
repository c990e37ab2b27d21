"""`twitchwise import apple-health PATH`: real exports in; bad files refused, diary intact."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from benchmark_scripts import benchmark_script
from click.testing import Result
from typer.testing import CliRunner

from twitchwise.cli import app
from twitchwise.diary import Diary

runner = CliRunner()
DATA = Path(__file__).resolve().parent.parent / "data" / "apple-health"
K0RVENTEN = DATA / "k0rventen-apple-health-grafana-test-export.zip"
GRLL = DATA / "grll-apple-health-mcp-export.xml"


@pytest.fixture
def url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    value = f"sqlite:///{tmp_path / 'diary.db'}"
    monkeypatch.setenv("TWITCHWISE_DB", value)
    return value


def run(*args: str) -> Result:
    return runner.invoke(app, list(args), catch_exceptions=False)


def probed(probe: str, url: str) -> Any:
    """What `probe` printed as ``RESULT <json>``, run in a fresh interpreter with `url` as its
    diary (this test process has long since imported everything)."""
    done = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        env={**os.environ, "TWITCHWISE_DB": url},
        timeout=120,
    )
    line = [x for x in done.stdout.splitlines() if x.startswith("RESULT ")]
    assert line, done.stdout + done.stderr
    return json.loads(line[-1].removeprefix("RESULT "))


def text(result: Result) -> str:
    """The output with Rich's line wrapping undone."""
    return " ".join(result.output.split())


def imported(url: str) -> list[tuple[date, str, float]]:
    with Diary.open(url) as diary:
        return [
            (v.day, v.metric, v.value) for _src, v in diary.list_day_values(source="apple-health")
        ]


def test_import_fills_days_and_reports(url: str) -> None:
    result = run("import", "apple-health", str(K0RVENTEN))
    assert result.exit_code == 0, result.output
    out = text(result)
    assert "293 days filled (2021-01-01 to 2021-12-30) from 1,893 records" in out
    assert "411 values added" in out
    assert "Skipped 23 record types" in out and "HeartRate" in out
    values = imported(url)
    assert len(values) == 411
    assert (date(2021, 12, 1), "steps", 11374.0) in values


def test_reimport_is_idempotent(url: str) -> None:
    assert run("import", "apple-health", str(K0RVENTEN)).exit_code == 0
    first = imported(url)
    again = run("import", "apple-health", str(K0RVENTEN))
    assert again.exit_code == 0
    assert "0 values added, 0 updated, 411 already there" in text(again)
    assert imported(url) == first


def test_checkin_values_win_over_imported_ones(url: str) -> None:
    assert run("import", "apple-health", str(GRLL)).exit_code == 0
    with Diary.open(url) as diary:
        diary.save_checkin(date(2020, 7, 8), sleep_hours=6.0)
        diary.save_checkin(date(2023, 11, 20))
        frame = diary.daily_frame()
    assert frame.loc[date(2020, 7, 8), "sleep_hours"] == 6.0
    assert frame.loc[date(2023, 11, 20), "steps"] == 690
    assert frame.loc[date(2023, 11, 20), "mindful_minutes"] == 5


def test_dry_run_writes_nothing(url: str) -> None:
    result = run("import", "apple-health", "--dry-run", str(GRLL))
    assert result.exit_code == 0
    assert "nothing was written" in text(result)
    assert imported(url) == []


def _bad_files(tmp: Path) -> dict[str, Path]:
    raw = K0RVENTEN.read_bytes()
    truncated_zip = tmp / "truncated.zip"
    truncated_zip.write_bytes(raw[: len(raw) // 2])
    empty_zip = tmp / "no-export.zip"
    with zipfile.ZipFile(empty_zip, "w") as zf:
        zf.writestr("apple_health_export/export_cda.xml", "<ClinicalDocument/>")
    noise = tmp / "noise.xml"
    noise.write_bytes(random.Random(1).randbytes(4096))
    with zipfile.ZipFile(K0RVENTEN) as zf:
        xml = zf.read("apple_health_export/export.xml")
    truncated_xml = tmp / "export.xml"
    truncated_xml.write_bytes(xml[: len(xml) - 5000])
    return {
        "damaged or incomplete zip": truncated_zip,
        "holds no Apple Health export": empty_zip,
        "is not an Apple Health export": noise,
        "damaged or incomplete": truncated_xml,
        "no such file": tmp / "missing.zip",
    }


def test_bad_files_are_refused_and_the_diary_is_untouched(url: str, tmp_path: Path) -> None:
    assert run("import", "apple-health", str(GRLL)).exit_code == 0
    before = imported(url)
    for message, path in _bad_files(tmp_path).items():
        result = run("import", "apple-health", str(path))
        assert result.exit_code == 2, (path, result.output)
        assert "error:" in result.output and message in text(result), result.output
        assert "Traceback" not in result.output
        assert imported(url) == before


def test_a_large_export_is_read_in_parts_and_written_quickly(
    url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The command's fast path end to end: worker processes read the parts, then the command
    creates the SQLite diary and writes it with the standard library (diary/_quick.py); the
    diary gets the one-reader values, and a damaged copy is refused with the one reader's
    message and adds nothing."""
    from twitchwise.importers.apple_health import _read, read_export

    generator = benchmark_script("generate_apple_health")
    export = tmp_path / "export.xml"
    generator.generate(export, 1.5, shape="watch")
    monkeypatch.setattr(_read, "PARTS_FROM", 1 << 20)  # parts from 1 MiB, not 24
    parts: list[object] = []
    original = _read.read_in_parts
    monkeypatch.setattr(
        _read, "read_in_parts", lambda *a, **k: parts.append(found := original(*a, **k)) or found
    )

    result = run("import", "apple-health", str(export))
    assert result.exit_code == 0, result.output
    assert parts and parts[0] is not None  # the parts were read, not the fallback
    truth = read_export(export, parallel=False).values
    assert len(truth) > 10
    assert imported(url) == sorted((v.day, v.metric, v.value) for v in truth)

    data = export.read_bytes()
    at = data.index(b"</Record>", len(data) * 2 // 3)
    damaged = tmp_path / "damaged.xml"
    damaged.write_bytes(data[:at] + data[at + len(b"</Record>") :])
    before = imported(url)
    result = run("import", "apple-health", str(damaged))
    assert result.exit_code == 2
    assert parts[-1] is None  # a part failed, so the ordinary reader gave the message
    assert "damaged or incomplete" in text(result) and "line" in text(result)
    assert imported(url) == before


def test_every_way_of_writing_stores_the_same_values(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite through the quick path, SQLite with `--as` and PostgreSQL through `Diary`."""
    from twitchwise.accounts import Accounts

    monkeypatch.setenv("TWITCHWISE_DB", db_url)
    with Diary.open(db_url) as diary:  # the first account takes over the local diary
        accounts = Accounts(diary.engine)
        accounts.add_person("me@example.org", "a long enough passphrase 42")
        ana = accounts.add_person("ana@example.org", "another long passphrase 43")
    local = run("import", "apple-health", str(GRLL))
    assert local.exit_code == 0, local.output
    theirs = run("--as", "ana@example.org", "import", "apple-health", str(GRLL))
    assert theirs.exit_code == 0, theirs.output
    assert text(theirs) == text(local)  # the same report: all added, into an empty diary
    again = run("import", "apple-health", str(GRLL))
    assert "0 values added, 0 updated" in text(again)
    with Diary.open(db_url) as diary:
        mine = diary.list_day_values(source="apple-health")
        assert diary.for_person(ana.id).list_day_values(source="apple-health") == mine
    assert len(mine) == 8


def test_an_import_into_sqlite_loads_no_sqlalchemy_nor_other_importers(tmp_path: Path) -> None:

    probe = (
        "import json, sys\n"
        "from twitchwise.cli import app\n"
        "try:\n"
        f"    app(['import', 'apple-health', {str(GRLL)!r}], prog_name='twitchwise')\n"
        "except SystemExit as exc:\n"
        "    code = exc.code\n"
        "heavy = ('sqlalchemy', 'alembic', 'pydantic', 'twitchwise.importers.fitbit',"
        " 'twitchwise.importers.garmin', 'twitchwise.importers.health_connect')\n"
        "print('RESULT ' + json.dumps([code, [m for m in heavy if m in sys.modules]]))\n"
    )
    url = f"sqlite:///{tmp_path / 'new.db'}"
    assert probed(probe, url) == [0, []]
    with Diary.open(url) as diary:
        assert len(diary.list_day_values(source="apple-health")) == 8


def test_the_command_starts_its_workers_without_lxml_or_the_other_importers() -> None:
    """What runs before the worker processes start is the time they wait for."""
    probe = (
        "import sys\n"
        "from twitchwise.importers import get_importer\n"
        "get_importer('apple-health')\n"
        "from twitchwise.importers.apple_health import _parts, _read\n"
        "print(sorted(m for m in sys.modules if m == 'lxml' or m.startswith(("
        "'twitchwise.importers.fitbit', 'twitchwise.importers.garmin',"
        " 'twitchwise.importers.health_connect'))))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.strip() == "[]", done.stderr


def test_the_command_starts_its_workers_before_it_loads_typer(tmp_path: Path) -> None:
    """``twitchwise import apple-health export.xml`` starts its workers first thing
    (`cli._early`): they are launched once, before Typer is loaded, the import takes them, and
    the diary gets the one-reader values."""

    from twitchwise.importers.apple_health import read_export

    export = tmp_path / "export.xml"
    benchmark_script("generate_apple_health").generate(export, 1.5, shape="watch")
    probe = (
        "import json, sys\n"
        "from twitchwise.importers.apple_health import _parts, _read\n"
        "_parts.PARTS_FROM = _read.PARTS_FROM = 1 << 20\n"
        "_parts.part_count = lambda: 2\n"
        "launched, taken = [], []\n"
        "launch, take = _parts._launch, _parts._take_early\n"
        "_parts._launch = lambda *a: launched.append('typer' in sys.modules) or launch(*a)\n"
        "_parts._take_early = lambda *a: taken.append(found := take(*a)) or found\n"
        f"sys.argv = ['twitchwise', 'import', 'apple-health', {str(export)!r}]\n"
        "from twitchwise.cli import main\n"
        "code = 0\n"
        "try:\n"
        "    main()\n"
        "except SystemExit as exc:\n"
        "    code = exc.code\n"
        "print('RESULT ' + json.dumps([code, launched, [t is not None for t in taken]]))\n"
    )
    url = f"sqlite:///{tmp_path / 'new.db'}"
    assert probed(probe, url) == [0, [False], [True]]
    truth = read_export(export, parallel=False).values
    assert imported(url) == sorted((v.day, v.metric, v.value) for v in truth)


@pytest.mark.parametrize(
    ("argv", "path"),
    [
        (["import", "apple-health", "export.xml"], "export.xml"),
        (["--db", "x.db", "import", "apple-health", "--dry-run", "a b.xml"], "a b.xml"),
        (["--as", "me@example.org", "import", "apple-health", "e.xml", "--dry-run"], "e.xml"),
        (["import", "apple-health", "--help"], None),
        (["import", "apple-health", "e.xml", "-h"], None),
        (["import", "apple-health"], None),
        (["import", "apple-health", "a.xml", "b.xml"], None),
        (["import", "health-connect", "e.db"], None),
        (["log", "left_thigh"], None),
        ([], None),
    ],
)
def test_the_early_start_reads_the_command_line_as_typer_will(
    argv: list[str], path: str | None
) -> None:
    from twitchwise.cli._early import apple_health_path

    assert apple_health_path(argv) == path

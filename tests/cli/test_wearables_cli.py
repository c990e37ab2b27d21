"""`twitchwise import health-connect|auto PATH`: exports in; bad files change nothing."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from benchmark_scripts import benchmark_script
from click.testing import Result
from typer.testing import CliRunner

from twitchwise.cli import app
from twitchwise.diary import Diary

runner = CliRunner()


gen = benchmark_script("generate_health_connect")


@pytest.fixture
def url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    value = f"sqlite:///{tmp_path / 'diary.db'}"
    monkeypatch.setenv("TWITCHWISE_DB", value)
    return value


@pytest.fixture
def export(tmp_path: Path) -> Path:
    db = tmp_path / "health_connect_export.db"
    gen.write(gen.year(5), db, 23)
    out = tmp_path / "Health Connect.zip"
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.write(db, db.name)
    return out


def run(*args: str) -> Result:
    return runner.invoke(app, list(args), catch_exceptions=False)


def text(result: Result) -> str:
    return " ".join(result.output.split())


def stored(url: str) -> int:
    with Diary.open(url) as diary:
        return len(diary.list_day_values(source="health-connect"))


def test_import_health_connect_fills_days_and_says_what_it_skipped(url: str, export: Path) -> None:
    result = run("import", "health-connect", str(export))
    assert result.exit_code == 0, result.output
    out = text(result)
    assert "days filled" in out and "sleep_hours" in out and "caffeine_mg" in out
    assert "values added" in out
    assert "newer Health Connect (database version 23" in out
    assert "heart_rate_record_table" in out
    n = stored(url)
    assert n > 0
    again = run("import", "health-connect", str(export))
    assert "0 values added, 0 updated" in text(again)
    assert stored(url) == n


def test_dry_run_writes_nothing(url: str, export: Path) -> None:
    result = run("import", "health-connect", "--dry-run", str(export))
    assert result.exit_code == 0
    assert "Dry run: nothing was written." in text(result)
    assert stored(url) == 0


def test_auto_picks_the_importer_by_content(url: str, export: Path, tmp_path: Path) -> None:
    renamed = tmp_path / "download (1).bin"
    renamed.write_bytes(export.read_bytes())
    result = run("import", "auto", str(renamed))
    assert result.exit_code == 0, result.output
    assert "Health Connect export" in text(result)
    assert stored(url) > 0


def test_damaged_or_unknown_files_fail_clearly_and_write_nothing(
    url: str, export: Path, tmp_path: Path
) -> None:
    cut = tmp_path / "cut.zip"
    cut.write_bytes(export.read_bytes()[:-4000])
    result = run("import", "health-connect", str(cut))
    assert result.exit_code == 2
    assert "nothing was imported" in text(result) and "damaged" in text(result)
    other = tmp_path / "notes.txt"
    other.write_text("hello")
    result = run("import", "auto", str(other))
    assert result.exit_code == 2
    assert "not an export twitchwise recognises" in text(result)
    assert "Health Connect" in text(result)
    assert stored(url) == 0


def test_import_fitbit_folder_and_dry_run(url: str, tmp_path: Path) -> None:
    import json

    folder = tmp_path / "Takeout" / "Fitbit" / "Global Export Data"
    folder.mkdir(parents=True)
    (folder / "water_logs-0.json").write_text(
        json.dumps(
            [{"id": 1, "date": "03/01/24", "waterAmount": 500.0, "measurementUnit": "MILLILITER"}]
        )
    )
    (folder / "steps-2024-03-01.json").write_text(
        '[{"dateTime": "03/01/24 10:00:00", "value": "5"}]'
    )
    dry = run("import", "fitbit", "--dry-run", str(tmp_path / "Takeout"))
    assert dry.exit_code == 0, dry.output
    assert "water_litres" in text(dry) and "Steps were not imported" in text(dry)
    result = run("import", "auto", str(tmp_path / "Takeout"))
    assert result.exit_code == 0, result.output
    with Diary.open(url) as diary:
        assert len(diary.list_day_values(source="fitbit")) == 1


def test_import_garmin_says_what_it_did_not_read(url: str, tmp_path: Path) -> None:
    import json

    wellness = tmp_path / "export" / "DI_CONNECT" / "DI-Connect-Wellness"
    wellness.mkdir(parents=True)
    night = {"calendarDate": "2025-01-04", "deepSleepSeconds": 3600, "lightSleepSeconds": 18000}
    (wellness / "2025-01-03_2025-04-13_1_sleepData.json").write_text(json.dumps([night]))
    (wellness.parent / "DI-Connect-Fitness").mkdir()
    (wellness.parent / "DI-Connect-Fitness" / "me_0_summarizedActivities.json").write_text("[]")
    result = run("import", "garmin", str(tmp_path / "export"))
    assert result.exit_code == 0, result.output
    assert "sleep_hours" in text(
        result
    ) and "activities (summarizedActivities) were not read" in text(result)
    with Diary.open(url) as diary:
        assert [v.value for _, v in diary.list_day_values(source="garmin")] == [6.0]


def test_a_sqlite_diary_is_written_without_sqlalchemy_and_postgres_with_it(
    db_url: str, export: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The quick path for SQLite (diary/_quick.py), `Diary` for PostgreSQL: the same values."""
    import twitchwise.diary._quick as quick

    monkeypatch.setenv("TWITCHWISE_DB", db_url)
    calls: list[object] = []
    real = quick.import_day_values

    def spy(*args: object, **kwargs: object) -> object:
        calls.append(found := real(*args, **kwargs))  # type: ignore[arg-type]
        return found

    monkeypatch.setattr(quick, "import_day_values", spy)
    result = runner.invoke(app, ["import", "health-connect", str(export)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    wrote_quickly = db_url.startswith("sqlite")
    assert [c is not None for c in calls] == [wrote_quickly]
    with Diary.open(db_url) as diary:
        values = diary.list_day_values(source="health-connect")
    assert len(values) == 35  # the generator's five days, seven metrics each
    again = runner.invoke(app, ["import", "health-connect", str(export)], catch_exceptions=False)
    assert f"0 values added, 0 updated, {len(values):,} already there" in " ".join(
        again.output.split()
    )

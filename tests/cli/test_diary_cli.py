"""`twitchwise log`, `checkin`, `diary`, `erase`, `import diary`, `export diary` through the CLI."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
from click.testing import Result
from typer.testing import CliRunner

from twitchwise.cli import app
from twitchwise.diary import Diary

runner = CliRunner()
TODAY = date.today()
YESTERDAY = TODAY - timedelta(days=1)


@pytest.fixture
def url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A throwaway SQLite diary, given through TWITCHWISE_DB (never the user's own)."""
    value = f"sqlite:///{tmp_path / 'diary.db'}"
    monkeypatch.setenv("TWITCHWISE_DB", value)
    return value


def run(*args: str, stdin: str | None = None) -> Result:
    return runner.invoke(app, list(args), input=stdin, catch_exceptions=False)


def refused(result: Result, field: str) -> None:
    """Exit status 2, one clear line naming the field, no traceback."""
    assert result.exit_code == 2, result.output
    assert f"{field}:" in result.output
    assert "Traceback" not in result.output


def test_log_forms_of_time(url: str) -> None:
    assert run("log", "left_thigh").exit_code == 0
    assert run("log", "left thigh", "--at", "yesterday 21:30", "--intensity", "4").exit_code == 0
    assert run("log", "eyelid", "--at", "2026-03-02T17:50+01:00", "--count", "3").exit_code == 0
    assert (
        run("log", "right_calf", "--at", "00:00", "--duration", "12.5", "--note", "x").exit_code
        == 0
    )
    with Diary.open(url) as diary:
        now, late, eyelid, calf = sorted(diary.list_twitches(), key=lambda t: t.id)
    assert now.day == TODAY and now.time.microsecond == 0
    assert late.time.replace(tzinfo=None) == datetime.combine(YESTERDAY, time(21, 30))
    assert (late.site, late.intensity) == ("left_thigh", 4)
    assert eyelid.time.utcoffset() == timedelta(hours=1) and eyelid.count == 3
    assert calf.duration_s == 12.5 and calf.day == TODAY and calf.note == "x"


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["log", "knee"], "site"),
        (["log", "left_thigh", "--intensity", "6"], "intensity"),
        (["log", "left_thigh", "--count", "0"], "count"),
        (["log", "left_thigh", "--duration", "-3"], "duration_s"),
        (["log", "left_thigh", "--at", "tomorrow"], "at"),
        (["log", "left_thigh", "--at", "2999-01-01T10:00"], "at"),
        (["log", "left_thigh", "--at", "25:61"], "at"),
    ],
)
def test_log_refuses_bad_input(url: str, args: list[str], field: str) -> None:
    refused(run(*args), field)
    with Diary.open(url) as diary:
        assert diary.list_twitches() == []


def test_checkin_flags_merge_and_drinks(url: str) -> None:
    result = run(
        "checkin",
        "--sleep-hours",
        "6.5",
        "--caffeine",
        "2 coffees, 1 cola",
        "--symptom",
        "cramping",
    )
    assert result.exit_code == 0, result.output
    assert "225 mg" in result.output
    assert (
        run("checkin", "--hard-exercise", "--medication", "Lasix 40 mg", "--notes", "run").exit_code
        == 0
    )
    assert run("checkin", "--date", "yesterday", "--no-hard-exercise").exit_code == 0
    with Diary.open(url) as diary:
        today, yesterday = diary.get_checkin(TODAY), diary.get_checkin(YESTERDAY)
    assert today is not None and yesterday is not None
    assert (today.sleep_hours, today.caffeine_mg, today.hard_exercise) == (6.5, 225, True)
    assert today.symptoms == ("cramping",) and today.medications == ("Lasix 40 mg",)
    assert yesterday.hard_exercise is False and yesterday.sleep_hours is None


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["--sleep-hours", "30"], "sleep_hours"),
        (["--stress-level", "-1"], "stress_level"),
        (["--caffeine", "3 mates"], "caffeine_mg"),
        (["--caffeine", "1 coffee", "--caffeine-mg", "100"], "caffeine"),
        (["--symptom", "itchy"], "symptoms"),
        (["--medication", "a;b"], "medications"),
        (["--date", "someday", "--sleep-hours", "7"], "date"),
        (["--date", "2999-01-01", "--sleep-hours", "7"], "date"),
    ],
)
def test_checkin_refuses_bad_input(url: str, args: list[str], field: str) -> None:
    refused(run("checkin", *args), field)
    with Diary.open(url) as diary:
        assert diary.list_checkins() == []


def test_checkin_form_asks_again_after_a_bad_answer(url: str) -> None:
    answers = [
        "30",
        "7",
        "1 espresso and 2 teas",
        "",
        "2",
        "11",
        "4",
        "45",
        "maybe",
        "yes",
        "cramping",
        "none",
        "ok",
    ]
    result = run("checkin", stdin="\n".join(answers) + "\n")
    assert result.exit_code == 0, result.output
    assert "sleep_hours:" in result.output and "stress_level:" in result.output
    with Diary.open(url) as diary:
        saved = diary.get_checkin(TODAY)
    assert saved is not None
    assert (saved.sleep_hours, saved.caffeine_mg, saved.alcohol_drinks) == (7, 159, None)
    assert (saved.water_litres, saved.stress_level, saved.exercise_minutes) == (2, 4, 45)
    assert saved.hard_exercise is True and saved.symptoms == ("cramping",) and saved.notes == "ok"


def test_diary_view_edit_and_delete(url: str) -> None:
    run("log", "left_thigh", "--count", "7")
    run("log", "right_calf", "--at", "yesterday 08:00")
    run("checkin", "--date", "yesterday", "--sleep-hours", "5")
    shown = run("diary")
    assert shown.exit_code == 0
    assert "▁█" in shown.output or "▂█" in shown.output  # yesterday low, today high
    assert "left thigh 7 (1 day)" in shown.output and "5 h" in shown.output
    with Diary.open(url) as diary:
        first, second = diary.list_twitches()
    assert (
        run("diary", "edit", str(second.id), "--intensity", "2", "--site", "left_calf").exit_code
        == 0
    )
    refused(run("diary", "edit", str(second.id), "--intensity", "8"), "intensity")
    refused(run("diary", "edit", "999", "--count", "2"), "id")
    refused(run("diary", "edit", str(second.id)), "edit")
    assert run("diary", "delete", str(first.id)).exit_code == 0
    refused(run("diary", "delete", str(first.id)), "id")
    assert run("diary", "delete", "--checkin", "yesterday").exit_code == 0
    refused(run("diary", "delete", "--checkin", YESTERDAY.isoformat()), "date")
    refused(run("diary", "delete"), "delete")
    with Diary.open(url) as diary:
        [left] = diary.list_twitches()
        assert (left.site, left.intensity) == ("left_calf", 2)
        assert diary.list_checkins() == []


def test_erase_asks_unless_yes(url: str) -> None:
    run("log", "left_thigh")
    assert run("erase", stdin="no\n").exit_code == 1
    with Diary.open(url) as diary:
        assert len(diary.list_twitches()) == 1
    assert run("erase", stdin="erase\n").exit_code == 0
    run("log", "left_thigh")
    assert run("erase", "--yes").exit_code == 0
    with Diary.open(url) as diary:
        assert diary.list_twitches() == []


def test_import_export_round_trip_on_both_databases(db_url: str, tmp_path: Path) -> None:
    base = ("--db", db_url)
    run(*base, "log", "left_thigh", "--at", "2026-03-02T17:50+01:00", "--note", 'say "hi", twice')
    run(
        *base,
        "checkin",
        "--date",
        "2026-03-02",
        "--sleep-hours",
        "6.25",
        "--medication",
        "ibuprofen",
    )
    assert run(*base, "export", "diary", str(tmp_path / "out")).exit_code == 0
    assert run(*base, "erase", "--yes").exit_code == 0
    imported = run(*base, "import", "diary", str(tmp_path / "out"))
    assert imported.exit_code == 0 and "1 new twitches" in imported.output
    again = run(*base, "import", "diary", str(tmp_path / "out"))
    assert "0 new twitches" in again.output and "2 entries were already there" in again.output
    assert run(*base, "export", "diary", str(tmp_path / "again")).exit_code == 0
    for name in ("twitches.csv", "days.csv"):
        assert (tmp_path / "out" / name).read_bytes() == (tmp_path / "again" / name).read_bytes()


def test_import_reports_every_bad_row_and_writes_nothing(url: str, tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in/twitches.csv").write_text(
        "time,site,intensity\n2026-03-02T08:00,left_thigh,2\n2026-03-02T09:00,knee,2\nnope,eyelid,9\n"
    )
    result = run("import", "diary", str(tmp_path / "in"))
    refused(result, "column site")
    assert "nothing was imported; 3 problems" in result.output
    assert "twitches.csv line 3, column site" in result.output
    assert "twitches.csv line 4, column time" in result.output
    assert "twitches.csv line 4, column intensity" in result.output
    with Diary.open(url) as diary:
        assert diary.list_twitches() == []
    refused(run("import", "diary", str(tmp_path / "missing")), "DIR")


def test_bad_database_url_is_named(tmp_path: Path) -> None:
    refused(run("--db", "sqlite:////no/such/folder/x.db", "diary"), "db")
    refused(run("--db", "nonsense", "log", "left_thigh"), "db")

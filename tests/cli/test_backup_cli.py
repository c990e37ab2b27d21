"""`twitchwise backup` and `twitchwise restore` through the CLI."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import Result
from diary_sample import fill
from typer.testing import CliRunner

from twitchwise.cli import app
from twitchwise.diary import Diary

runner = CliRunner()


def run(*args: str, stdin: str | None = None) -> Result:
    return runner.invoke(app, list(args), input=stdin, catch_exceptions=False)


@pytest.fixture
def full(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'full.db'}"
    with Diary.open(url) as diary:
        fill(diary)
    return url


def test_backup_then_restore_into_an_empty_diary(full: str, tmp_path: Path) -> None:
    file = tmp_path / "all.zip"
    result = run("--db", full, "backup", str(file))
    assert result.exit_code == 0, result.output
    assert "3 twitches" in result.output and file.is_file()
    empty = f"sqlite:///{tmp_path / 'empty.db'}"
    result = run("--db", empty, "restore", str(file))
    assert result.exit_code == 0, result.output
    assert "Restored" in result.output
    with Diary.open(full) as a, Diary.open(empty) as b:
        assert a.all_rows() == b.all_rows()


def test_restore_into_a_full_diary_needs_replace_and_a_confirmation(
    full: str, tmp_path: Path
) -> None:
    file = tmp_path / "all.zip"
    run("--db", full, "backup", str(file))
    with Diary.open(full) as diary:
        diary.add_twitch("neck")
        before = diary.all_rows()
    result = run("--db", full, "restore", str(file))
    assert result.exit_code == 2 and "not empty" in result.output
    result = run("--db", full, "restore", str(file), "--replace", stdin="no\n")
    assert result.exit_code == 1 and "nothing was restored" in result.output
    with Diary.open(full) as diary:
        assert diary.all_rows() == before
    result = run("--db", full, "restore", str(file), "--replace", stdin="replace\n")
    assert result.exit_code == 0, result.output
    with Diary.open(full) as diary:
        assert len(diary.list_twitches()) == 3


def test_restore_of_a_non_zip_is_one_clear_line(tmp_path: Path) -> None:
    file = tmp_path / "notes.zip"
    file.write_text("hello")
    result = run("--db", f"sqlite:///{tmp_path / 'd.db'}", "restore", str(file))
    assert result.exit_code == 2
    assert "not a zip file" in result.output and "Traceback" not in result.output
    result = run("--db", f"sqlite:///{tmp_path / 'd.db'}", "restore", str(tmp_path / "no.zip"))
    assert result.exit_code == 2 and "does not exist" in result.output

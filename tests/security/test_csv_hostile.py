"""The diary CSV under hostile input (issue 10, items 6, 8, 9): formulas are neutralised on
export and restored on import, an unclosed quote and a giant cell are clear errors."""

from __future__ import annotations

import csv
import shutil
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from twitchwise.diary import Diary, DiaryError
from twitchwise.importers.diary_csv import (
    export_diary_csv,
    import_diary_csv,
    neutralise_formula_text,
    restore_formula_text,
)

HOSTILE = Path(__file__).parents[1] / "data" / "hostile"
FORMULAS = ['=HYPERLINK("http://evil.example")', "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx"]


def _cells(path: Path, column: str) -> list[str]:
    with path.open(newline="", encoding="utf-8") as fh:
        return [row[column] for row in csv.DictReader(fh)]


def test_formula_cells_are_neutralised_on_export_and_restored_on_import(tmp_path: Path) -> None:
    notes = [*FORMULAS, "'quoted already", "plain"]
    with Diary.memory() as diary:
        for note in notes:
            diary.add_twitch("left_thigh", note=note)
        diary.save_checkin(date(2026, 3, 2), notes="=1+2", medications=["-magnesium", "zinc"])
        export_diary_csv(diary, tmp_path)
    written = _cells(tmp_path / "twitches.csv", "note")
    for cell in written:
        assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell
    assert _cells(tmp_path / "days.csv", "notes") == ["'=1+2"]
    assert _cells(tmp_path / "days.csv", "medications") == ["'-magnesium;zinc"]
    with Diary.memory() as again:
        import_diary_csv(again, tmp_path)
        assert sorted(t.note or "" for t in again.list_twitches()) == sorted(notes)
        checkin = again.list_checkins()[0]
        assert checkin.notes == "=1+2" and list(checkin.medications) == ["-magnesium", "zinc"]


@given(st.text(max_size=20))
@settings(max_examples=200, deadline=None)
def test_neutralising_is_undone_exactly(text: str) -> None:
    guarded = neutralise_formula_text(text)
    assert not guarded.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert restore_formula_text(guarded) == text


def test_an_unclosed_quote_is_an_error_naming_the_line(tmp_path: Path) -> None:
    """Before: the rows after the quote were swallowed into one note, silently."""
    shutil.copy(HOSTILE / "unclosed-quote" / "twitches.csv", tmp_path / "twitches.csv")
    with Diary.memory() as diary:
        with pytest.raises(DiaryError) as caught:
            import_diary_csv(diary, tmp_path)
        assert diary.list_twitches() == []
    problem = caught.value.problems[0]
    assert (problem.file, problem.line) == ("twitches.csv", 2)
    assert "never closed" in problem.message


def test_a_cell_over_the_csv_field_limit_is_an_error_not_a_traceback(tmp_path: Path) -> None:
    """Before: _csv.Error: field larger than field limit (131072)."""
    (tmp_path / "twitches.csv").write_text(
        "time,site,note\n2026-03-01T08:00,left_thigh," + "x" * 140_000 + "\n", encoding="utf-8"
    )
    with Diary.memory() as diary, pytest.raises(DiaryError) as caught:
        import_diary_csv(diary, tmp_path)
    assert "longer than 131,072 characters" in str(caught.value)

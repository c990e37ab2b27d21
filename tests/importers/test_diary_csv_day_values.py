"""day_values.csv: imported values travel through the diary CSV with their source, losslessly."""

from __future__ import annotations

from pathlib import Path

import pytest
from diary_sample import fill

from twitchwise.diary import Diary, DiaryError
from twitchwise.importers.diary_csv import export_diary_csv, import_diary_csv


def test_export_then_import_keeps_imported_values_and_their_source(
    diary: Diary, tmp_path: Path
) -> None:
    fill(diary)
    stats = export_diary_csv(diary, tmp_path / "out")
    assert stats.day_values == 5
    text = (tmp_path / "out" / "day_values.csv").read_text(encoding="utf-8")
    assert text.splitlines()[0] == "date,metric,value,source"
    assert "2026-03-02,steps,10001,other-app" in text
    with Diary.memory() as copy:
        first = import_diary_csv(copy, tmp_path / "out")
        assert first.by_kind["day_values"]["added"] == 5
        assert copy.list_day_values() == diary.list_day_values()
        again = import_diary_csv(copy, tmp_path / "out")
        assert again.changed == 0 and again.by_kind["day_values"]["unchanged"] == 5


def test_a_folder_from_before_day_values_still_imports(tmp_path: Path) -> None:
    (tmp_path / "days.csv").write_text("date,sleep_hours\n2026-03-02,7\n", encoding="utf-8")
    with Diary.memory() as diary:
        import_diary_csv(diary, tmp_path)
        assert diary.list_day_values() == []
        assert diary.list_checkins()[0].sleep_hours == 7


def test_a_folder_with_only_day_values_imports(tmp_path: Path) -> None:
    (tmp_path / "day_values.csv").write_text(
        "source,date,metric,value\napple-health,2026-03-02,steps,9000\n", encoding="utf-8"
    )
    with Diary.memory() as diary:
        import_diary_csv(diary, tmp_path)
        (source, value), *_ = diary.list_day_values()
        assert (source, value.metric, value.value) == ("apple-health", "steps", 9000)


def test_bad_rows_are_each_reported_and_nothing_is_written(tmp_path: Path) -> None:
    (tmp_path / "twitches.csv").write_text("time,site\n2026-03-02T08:00,neck\n", encoding="utf-8")
    (tmp_path / "day_values.csv").write_text(
        "date,metric,value,source\n"
        "2026-03-02,steps,lots,apple-health\n"
        "2026-13-02,steps,1,apple-health\n"
        "2026-03-02,Steps,1,apple-health\n"
        "2026-03-02,steps,-1,apple-health\n"
        "2026-03-03,steps,1,\n"
        "2026-03-04,steps,1,apple-health\n"
        "2026-03-04,steps,2,apple-health\n",
        encoding="utf-8",
    )
    with Diary.memory() as diary:
        with pytest.raises(DiaryError) as caught:
            import_diary_csv(diary, tmp_path)
        where = [(p.field, p.line) for p in caught.value.problems]
        assert ("value", 2) in where and ("metric", 4) in where and ("value", 5) in where
        assert ("source", 6) in where and ("metric", 8) in where
        assert any(line == 3 for _, line in where)
        assert diary.is_empty()

"""Diary export as the diary CSV (docs/reference/diary-format.md): twitches.csv and days.csv."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from fastapi import APIRouter, Depends, Response
from fastapi.responses import StreamingResponse

from twitchwise.diary import Diary
from twitchwise.importers.diary_csv import (
    DAY_FILE_COLUMNS,
    DAY_VALUE_COLUMNS,
    TWITCH_COLUMNS,
    day_rows,
    day_value_rows,
    twitch_rows,
)

from .._deps import get_diary

router = APIRouter(prefix="/export", tags=["export"])

CSV_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {
        "content": {"text/csv": {"schema": {"type": "string"}}},
        "description": "UTF-8 CSV with a header row",
    }
}


def csv_text(header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def csv_lines(header: Sequence[str], rows: Iterable[Sequence[str]]) -> Iterator[str]:
    """The CSV text in pieces of about a thousand rows."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for count, row in enumerate(rows, 1):
        writer.writerow(row)
        if count % 1000 == 0:
            yield out.getvalue()
            out.seek(0)
            out.truncate()
    yield out.getvalue()


def _download(text: str, filename: str) -> Response:
    return Response(
        text,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@router.get(
    "/twitches.csv",
    response_class=Response,
    responses=CSV_RESPONSE,
    summary="Every twitch episode as twitches.csv",
)
def export_twitches(diary: Diary = Depends(get_diary)) -> Response:
    """Streamed a page of rows at a time, so a diary of any size is never held whole."""
    lines = csv_lines(TWITCH_COLUMNS, twitch_rows(diary.iter_twitches()))
    return StreamingResponse(
        lines,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="twitches.csv"'},
    )


@router.get(
    "/days.csv",
    response_class=Response,
    responses=CSV_RESPONSE,
    summary="Every daily check-in as days.csv",
)
def export_days(diary: Diary = Depends(get_diary)) -> Response:
    return _download(csv_text(DAY_FILE_COLUMNS, day_rows(diary.list_checkins())), "days.csv")


@router.get(
    "/day_values.csv",
    response_class=Response,
    responses=CSV_RESPONSE,
    summary="Every value imported from another app, with its source, as day_values.csv",
)
def export_day_values(diary: Diary = Depends(get_diary)) -> Response:
    rows = day_value_rows(diary.list_day_values())
    return _download(csv_text(DAY_VALUE_COLUMNS, rows), "day_values.csv")

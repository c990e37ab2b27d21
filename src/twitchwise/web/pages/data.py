"""Your data: download everything (backup), restore a backup, download the FHIR bundle.

A restore is checked whole before anything is written; replacing a diary that holds anything
needs an explicit tick, and on any problem the diary stays as it was.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from twitchwise.diary import Diary, DiaryError

from .._deps import get_diary
from ._common import render

router = APIRouter()

MAX_UPLOAD_BYTES = 1024 * 1024 * 1024
"""A backup larger than this is not one of ours; stop copying it instead of filling the disk."""


def _counts(counts: dict[str, int]) -> list[tuple[str, int]]:
    from twitchwise.backup import describe_counts

    return describe_counts(counts)


def _page(request: Request, diary: Diary, status: int = 200, **context: object) -> HTMLResponse:
    context.setdefault("error", None)
    context.setdefault("problems", [])
    context.setdefault("restored", None)
    counts = _counts(diary.row_counts())
    return render(request, "data.html", "data", status, counts=counts, **context)


@router.get("/data", response_class=HTMLResponse)
def data_page(request: Request, diary: Diary = Depends(get_diary)) -> HTMLResponse:
    return _page(request, diary)


@router.post("/data/restore", response_class=HTMLResponse)
async def restore(request: Request, diary: Diary = Depends(get_diary)) -> HTMLResponse:
    form = await request.form()
    upload = form.get("backup")
    replace = form.get("replace") == "yes"
    if not isinstance(upload, UploadFile) or not upload.filename:
        return _page(request, diary, 422, error="Choose a backup file (.zip) made by twitchwise.")
    path = await run_in_threadpool(_save, upload)
    if path is None:
        return _page(request, diary, 413, error="This file is too large to be a twitchwise backup.")
    try:
        counts = await run_in_threadpool(_restore, diary, path, replace)
    except DiaryError as exc:
        status = 409 if exc.field == "diary" else 422
        message = (
            "Your diary is not empty. To replace everything in it with this backup, tick the box "
            "and restore again."
            if exc.field == "diary"
            else "This file cannot be restored."
        )
        problems = [] if exc.field == "diary" else [str(p) for p in exc.problems]
        return _page(request, diary, status, error=message, problems=problems, replace=replace)
    finally:
        path.unlink(missing_ok=True)
    return _page(request, diary, restored=_counts(counts))


def _restore(diary: Diary, path: Path, replace: bool) -> dict[str, int]:
    from twitchwise.backup import restore_backup

    return restore_backup(diary, path, replace=replace).counts


def _save(upload: UploadFile) -> Path | None:
    """Copy the upload to a private temporary file; None (and nothing kept) when too large."""
    fd, name = tempfile.mkstemp(prefix="twitchwise-restore-", suffix=".zip")
    copied = 0
    with os.fdopen(fd, "wb") as out:
        upload.file.seek(0)
        while chunk := upload.file.read(1024 * 1024):
            copied += len(chunk)
            if copied > MAX_UPLOAD_BYTES:
                break
            out.write(chunk)
    if copied > MAX_UPLOAD_BYTES:
        Path(name).unlink(missing_ok=True)
        return None
    return Path(name)


__all__ = ["router"]

"""Import an export through the API: upload it, then poll the job until it has finished.

The same jobs as the web Import page (`web/_imports.py`): the file is recognised by its content
(Apple Health, Health Connect, Fitbit, Garmin), read whole, then stored in one diary transaction,
so a damaged file writes nothing. The upload is multipart, which a page on another site can send
with a plain form; so this route also needs the `X-Requested-With: twitchwise` header, which a
cross-site page can only send after a CORS preflight that this app never grants.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any, Literal

from fastapi import APIRouter, Depends, Request, Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException

from twitchwise.diary import Diary
from twitchwise.importers import Importer, available_importers, detect_importer
from twitchwise.jobs import KEEP_JOBS, ImportJob

from .._deps import get_diary, get_settings
from .._imports import get_job, runner_of, save_upload, upload_limit
from .._limits import BodyTooLarge
from .._problems import ApiError, FieldError, problem_responses

router = APIRouter(prefix="/imports", tags=["imports"])

CLIENT_HEADER = "X-Requested-With"
CLIENT_VALUE = "twitchwise"
FILE_FIELD = "file"


class ImportSummaryOut(BaseModel):
    """What the import found and what it changed in the diary."""

    filled: dict[str, int] = Field(description="days filled per diary measure, e.g. sleep_hours")
    days: int = Field(description="days that got at least one value")
    first_day: date | None
    last_day: date | None
    records_used: int
    added: int = Field(description="diary values added")
    updated: int = Field(description="diary values changed (a newer export of the same days)")
    unchanged: int = Field(description="diary values already there (a re-import changes nothing)")
    skipped: list[str] = Field(description="kinds of record in the file the diary does not use")
    ignored: dict[str, int] = Field(description="unreadable records of a used kind, by reason")
    notes: list[str] = Field(description="what could not be read and why (e.g. a newer format)")


class ImportJobOut(BaseModel):
    """An import job: `state` goes reading → storing → finished, or to failed."""

    id: str
    filename: str = Field(description="the name of the file as it was uploaded")
    state: Literal["reading", "storing", "finished", "failed"]
    percent: int | None = Field(description="reading progress 0-100; null while unknown")
    kind: str | None = Field(
        description="the export found in the file: apple-health, health-connect, fitbit, garmin"
    )
    kind_label: str | None = Field(description="the same in words, e.g. Health Connect")
    summary: ImportSummaryOut | None = Field(description="once finished")
    error: str | None = Field(description="once failed: why; nothing was written")

    @classmethod
    def of(cls, job: ImportJob) -> ImportJobOut:
        summary = None
        s = job.summary
        if job.state == "finished" and s is not None:
            summary = ImportSummaryOut(
                filled=dict(s.metrics),
                days=s.days,
                first_day=s.first_day,
                last_day=s.last_day,
                records_used=s.records_used,
                added=s.added,
                updated=s.updated,
                unchanged=s.unchanged,
                skipped=list(s.skipped_types),
                ignored=dict(s.ignored),
                notes=list(s.notes),
            )
        state: Any = "reading" if job.state == "receiving" else job.state
        return cls(
            id=job.id,
            filename=job.filename,
            state=state,
            percent=job.percent,
            kind=job.kind,
            kind_label=job.label,
            summary=summary,
            error=job.error if job.state == "failed" else None,
        )


def _known_kinds() -> str:
    return ", ".join(i.label for i in available_importers())


UPLOAD_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": [FILE_FIELD],
                    "properties": {
                        FILE_FIELD: {
                            "type": "string",
                            "format": "binary",
                            "description": "the export as the phone or website made it",
                        }
                    },
                }
            }
        },
    },
    "parameters": [
        {
            "name": CLIENT_HEADER,
            "in": "header",
            "required": True,
            "description": "must be `twitchwise`: a page on another site cannot send it",
            "schema": {"type": "string", "enum": [CLIENT_VALUE]},
        }
    ],
}
JOB_CREATED: dict[int | str, dict[str, Any]] = {
    202: {
        "description": "The job started; poll the URL in Location until `state` is finished "
        "or failed",
        "headers": {"Location": {"description": "the job's URL", "schema": {"type": "string"}}},
    }
}


def require_client_header(request: Request) -> None:
    """Refuses (403) a request a cross-site form could have sent: one without the header."""
    if request.headers.get(CLIENT_HEADER, "").strip().lower() != CLIENT_VALUE:
        raise ApiError(
            403,
            "Forbidden",
            f"Send the header {CLIENT_HEADER}: {CLIENT_VALUE} with an upload "
            "(a page on another site cannot, so it cannot import into your diary).",
            [FieldError(field=CLIENT_HEADER, message=f"must be {CLIENT_VALUE}", location="header")],
        )


@router.post(
    "",
    response_model=ImportJobOut,
    status_code=202,
    responses={**JOB_CREATED, **problem_responses(403, 413, 415, 422)},
    summary="Import an Apple Health, Health Connect, Fitbit or Garmin export (multipart)",
    openapi_extra=UPLOAD_BODY,
    dependencies=[Depends(require_client_header)],
)
async def start(
    request: Request, response: Response, diary: Diary = Depends(get_diary)
) -> ImportJobOut:
    limit = upload_limit(get_settings(request))
    form, upload = await _read_upload(request, limit)
    filename = Path((upload.filename or "").replace("\\", "/")).name or "upload"
    try:
        path = await run_in_threadpool(save_upload, upload.file, filename)
    finally:
        await form.close()  # the spooled copy goes now, not when it is collected
    importer = await run_in_threadpool(_recognise, path)
    if importer is None:
        path.unlink(missing_ok=True)
        raise ApiError(
            415,
            "Unsupported Media Type",
            f"{filename} is not an export twitchwise recognises ({_known_kinds()}); "
            "nothing was imported.",
            [FieldError(field=FILE_FIELD, message="is not a supported export")],
        )
    job = await runner_of(request.app.state).submit(
        diary, path, filename, kind=importer.name, label=importer.label
    )
    response.headers["Location"] = str(request.url_for("import_job", job_id=job.id).path)
    return ImportJobOut.of(job)


def _recognise(path: Path) -> Importer | None:
    try:
        return detect_importer(path)
    except Exception:  # a file that makes a detector fail is not one it recognises
        return None


async def _read_upload(request: Request, limit: int) -> tuple[FormData, UploadFile]:
    """The uploaded file, read only up to `limit` bytes (413 beyond)."""
    media = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if media != "multipart/form-data":
        raise ApiError(
            415,
            "Unsupported Media Type",
            f"Send the export as multipart/form-data, in a field named {FILE_FIELD}.",
            [FieldError(field="body", message="must be multipart/form-data")],
        )
    # The body limit itself is the BodyLimitMiddleware's (web/_limits.py): this path is one of its
    # UPLOAD_PATHS, so a declared or streamed body over `limit` is refused there with 413.
    try:
        form = await request.form(max_files=1, max_fields=10)
    except BodyTooLarge:
        raise _too_large(limit) from None
    except (MultiPartException, HTTPException) as exc:  # Starlette raises 400 for a bad form
        detail = exc.message if isinstance(exc, MultiPartException) else exc.detail
        raise ApiError(
            422,
            "Invalid input",
            f"The upload could not be read ({detail}); nothing was imported.",
            [FieldError(field="body", message="is not a readable multipart form")],
        ) from None
    upload = form.get(FILE_FIELD)
    if not isinstance(upload, UploadFile) or not upload.filename:
        await form.close()
        raise ApiError(
            422,
            "Invalid input",
            f"Please check: {FILE_FIELD}. Upload the export file in a field named {FILE_FIELD}.",
            [FieldError(field=FILE_FIELD, message="is required: the export file")],
        )
    return form, upload


def _too_large(limit: int) -> ApiError:
    return ApiError(
        413,
        "Content Too Large",
        f"The upload is larger than the limit of {limit // (1024 * 1024)} MiB "
        "(TWITCHWISE_MAX_UPLOAD_MB); nothing was imported.",
        [FieldError(field=FILE_FIELD, message="is too large")],
    )


@router.get(
    "/{job_id}",
    name="import_job",
    response_model=ImportJobOut,
    responses=problem_responses(404),
    summary="An import's state, progress, and once finished what it filled and skipped",
)
def job_status(job_id: str, diary: Diary = Depends(get_diary)) -> ImportJobOut:
    job = get_job(diary, job_id)
    if job is None:
        raise ApiError(
            404,
            "Not found",
            f"No import {job_id} is known (the newest {KEEP_JOBS} of yours are kept).",
            [FieldError(field="job_id", message="is not a known import", location="path")],
        )
    return ImportJobOut.of(job)

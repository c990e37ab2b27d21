"""Import: upload an export (recognised by its content) and watch it being read.

Without JavaScript the form posts the file and the result page comes back when the import is
done (the browser shows the upload's progress). With htmx the upload's progress is shown, then
the page polls the job for the reading progress and swaps in the result.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import UploadFile

from twitchwise.diary import Diary

from .._deps import get_diary
from .._imports import ImportJob, ImportJobs, run_import, start_import
from ._common import is_htmx, render

router = APIRouter()


def _jobs(request: Request) -> ImportJobs:
    jobs = getattr(request.app.state, "import_jobs", None)
    if jobs is None:
        jobs = request.app.state.import_jobs = ImportJobs()
    return jobs


@router.get("/import", response_class=HTMLResponse)
def import_page(request: Request) -> HTMLResponse:
    return render(request, "import.html", "import", error=None)


@router.post("/import", response_class=HTMLResponse)
async def upload(request: Request, diary: Diary = Depends(get_diary)) -> Response:
    form = await request.form()
    upload = form.get("export")
    if not isinstance(upload, UploadFile) or not upload.filename:
        error = (
            "Choose your export.zip (or export.xml) from the Health app, "
            "or your Health Connect, Fitbit or Garmin zip."
        )
        if is_htmx(request):
            return render(request, "partials/import_status.html", None, 422, job=None, error=error)
        return render(request, "import.html", "import", 422, error=error)
    path = _save(upload)
    job = _jobs(request).new(Path(upload.filename).name)
    if is_htmx(request):
        start_import(job, diary, path)
        return render(request, "partials/import_status.html", None, job=job, error=None)
    run_import(job, diary, path)
    status = 422 if job.state == "failed" else 200
    return render(request, "import.html", "import", status, job=job, error=None)


def _save(upload: UploadFile) -> Path:
    """Copy the upload to a private temporary file (the importer reads a path)."""
    suffix = Path(upload.filename or "").suffix.lower()
    fd, name = tempfile.mkstemp(
        prefix="twitchwise-import-", suffix=suffix if suffix in (".zip", ".xml", ".db") else ""
    )
    with os.fdopen(fd, "wb") as out:
        upload.file.seek(0)
        shutil.copyfileobj(upload.file, out, 1024 * 1024)
    return Path(name)


@router.get("/import/jobs/{job_id}", response_class=HTMLResponse)
def job_status(request: Request, job_id: str) -> HTMLResponse:
    job: ImportJob | None = _jobs(request).get(job_id)
    if job is None:
        raise HTTPException(404, "This import is no longer known (the app may have restarted).")
    page = None if is_htmx(request) else "import"
    template = "partials/import_status.html" if is_htmx(request) else "import.html"
    return render(request, template, page, job=job, error=None)

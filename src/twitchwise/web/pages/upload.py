"""Import: upload an export (recognised by its content) and watch it being read.

Without JavaScript the form posts the file and the result page comes back when the import is
done (the browser shows the upload's progress). With htmx the upload's progress is shown, then
the page polls the job for the reading progress and swaps in the result.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from starlette.exceptions import HTTPException

from twitchwise.diary import Diary

from .._deps import check_csrf_token, get_diary
from .._imports import get_job, runner_of, wait_for_end
from .._security import CSRF_FIELD
from .._upload import read_upload
from ._common import is_htmx, render

router = APIRouter()


@router.get("/import", response_class=HTMLResponse)
def import_page(request: Request) -> HTMLResponse:
    return render(request, "import.html", "import", error=None)


@router.post("/import", response_class=HTMLResponse)
async def upload(request: Request, diary: Diary = Depends(get_diary)) -> Response:
    """Stream the upload to a private file, but only once the form's CSRF token is checked."""

    def check(fields: dict[str, str]) -> None:
        check_csrf_token(request, fields.get(CSRF_FIELD))

    try:
        received = await read_upload(request, "export", check)
    except HTTPException as exc:
        if exc.status_code == 403:  # a forged or expired form: the app's error page
            raise
        return _refused(request, exc.status_code, exc.detail)  # too large, disk full...
    if received.path is None or not received.filename:
        error = (
            "Choose your export.zip (or export.xml) from the Health app, "
            "or your Health Connect, Fitbit or Garmin zip."
        )
        return _refused(request, 422, error)
    job = await runner_of(request.app.state).submit(diary, received.path, received.filename)
    if is_htmx(request):
        return render(request, "partials/import_status.html", None, job=job, error=None)
    job = await wait_for_end(diary, job.id)
    status = 422 if job.state == "failed" else 200
    return render(request, "import.html", "import", status, job=job, error=None)


def _refused(request: Request, status: int, error: str) -> HTMLResponse:
    """The import page (or, for htmx, its status fragment) saying why nothing was imported."""
    if is_htmx(request):
        return render(request, "partials/import_status.html", None, status, job=None, error=error)
    return render(request, "import.html", "import", status, error=error)


@router.get("/import/jobs/{job_id}", response_class=HTMLResponse)
def job_status(request: Request, job_id: str, diary: Diary = Depends(get_diary)) -> HTMLResponse:
    job = get_job(diary, job_id)
    if job is None:
        raise HTTPException(404, "This import is not known (the newest 20 are kept).")
    page = None if is_htmx(request) else "import"
    template = "partials/import_status.html" if is_htmx(request) else "import.html"
    return render(request, template, page, job=job, error=None)

"""Log a twitch: tap the body map (or pick from the list); intensity and count are optional."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta
from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, Response

from twitchwise.diary import Diary, DiaryError, Twitch
from twitchwise.engine._vocab import SITE_IDS

from .._bodymap import (
    BACK,
    BACK_HEAD,
    FRONT,
    HEIGHT,
    SITE_GROUPS,
    WIDTH,
    heat_level,
    site_title,
    svg_attrs,
)
from .._deps import get_diary
from .._templates import STATIC_DIR
from ._common import Form, is_htmx, redirect, render

router = APIRouter()

INTENSITIES = [
    ("", "Not recorded"),
    ("1", "1: barely noticeable"),
    ("2", "2: mild"),
    ("3", "3: clear"),
    ("4", "4: strong"),
    ("5", "5: visible, strong"),
]


def _map_context(diary: Diary, selected: str | None) -> dict[str, Any]:
    today = date.today()
    recent = diary.list_twitches(today - timedelta(days=29), today)
    by_site = Counter[str]()
    for t in recent:
        by_site[t.site] += t.count
    peak = max(by_site.values(), default=0)
    return {
        "front": FRONT,
        "back": BACK,
        "back_head": BACK_HEAD,
        "width": WIDTH,
        "height": HEIGHT,
        "svg_attrs": svg_attrs,
        "heat": {site: heat_level(n, peak) for site, n in by_site.items()},
        "counts": by_site,
        "groups": SITE_GROUPS,
        "site_title": site_title,
        "selected": selected if selected in SITE_IDS else None,
        "intensities": INTENSITIES,
        "todays": [t for t in recent if t.day == today][::-1],
        "today": today,
        "no_twitches_today": bool((c := diary.get_checkin(today)) and c.no_twitches),
    }


@router.get("/log", response_class=HTMLResponse)
def log_page(
    request: Request,
    site: str | None = None,
    logged: int | None = Query(None, ge=1, le=2_147_483_647),
    diary: Diary = Depends(get_diary),
) -> HTMLResponse:
    just_logged = _find(diary, logged)
    return render(
        request,
        "log.html",
        "log",
        values={},
        errors={},
        just_logged=just_logged,
        **_map_context(diary, site),
    )


def _find(diary: Diary, twitch_id: int | None) -> Twitch | None:
    if twitch_id is None:
        return None
    try:
        return diary.get_twitch(twitch_id)
    except DiaryError:
        return None


@router.post("/log", response_class=HTMLResponse)
async def log_twitch(request: Request, diary: Diary = Depends(get_diary)) -> Response:
    form = Form.of(await request.form())
    site = form.values.get("site", "")
    if site not in SITE_IDS:
        form.errors["site"] = "Choose where you felt the twitch."
    intensity = form.integer("intensity", 1, 5)
    count = form.integer("count", 1, 10000)
    when = _when(form)
    note = form.text("note", 1000)
    twitch = None
    if not form.errors and form.values.get("queued") == "1" and when is not None:
        twitch = _already_logged(diary, site, when)
    if not form.errors and twitch is None:
        try:
            twitch = diary.add_twitch(site, when, intensity=intensity, count=count or 1, note=note)
        except DiaryError as exc:
            form.add_diary_error(exc, {"time": "when"})
    if twitch is None:
        status = 422
        if is_htmx(request):
            return render(
                request, "partials/log_status.html", None, status, errors=form.errors, twitch=None
            )
        return render(
            request,
            "log.html",
            "log",
            status,
            values=form.values,
            errors=form.errors,
            just_logged=None,
            **_map_context(diary, site),
        )
    if is_htmx(request):
        today = date.today()
        todays = diary.list_twitches(today, today)[::-1]
        return render(
            request, "partials/log_status.html", None, twitch=twitch, errors={}, todays=todays
        )
    return redirect(f"/log?logged={twitch.id}")


def _already_logged(diary: Diary, site: str, when: datetime) -> Twitch | None:
    """A tap queued offline and sent again (the first answer was lost) is the same twitch: its
    site and its exact time (to the millisecond) say so."""
    aware = when if when.tzinfo is not None else when.astimezone()
    day = aware.date()
    for twitch in diary.list_twitches(day, day):
        if twitch.site == site and twitch.time == aware:
            return twitch
    return None


@router.get("/sw.js", include_in_schema=False)
def service_worker() -> FileResponse:
    """The service worker lives at the root so its scope is the whole app."""
    return FileResponse(STATIC_DIR / "sw.js", media_type="text/javascript")


def _when(form: Form) -> datetime | None:
    raw = form.values.get("when", "")
    if not raw:
        return None
    try:
        return datetime.fromisoformat(raw)
    except ValueError:
        form.errors["when"] = "Enter a date and time, like 2026-03-02 17:50."
        return None

"""The diary: calendar heat map, daily timeline, and each day's episodes and check-in, with
edit and delete."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Path, Request
from fastapi.responses import HTMLResponse, Response

from twitchwise.diary import CheckIn, Diary, DiaryError, Twitch
from twitchwise.diary._rules import EARLIEST
from twitchwise.engine._vocab import SITE_IDS, site_label

from .._bodymap import site_title
from .._charts import heat_map, timeline
from .._deps import get_diary
from .._metrics import metric_label, show_value
from .._templates import nice_date
from ._common import Form, redirect, render
from ._drinks import checkin_summary
from ._period import Period, View, calendar_weeks
from .log import INTENSITIES

router = APIRouter()

TwitchId = Path(ge=1, le=2_147_483_647)


@dataclass
class Day:
    day: date
    twitches: list[Twitch] = field(default_factory=list)
    checkin: CheckIn | None = None
    imported: list[tuple[str, str, str]] = field(default_factory=list)
    """(label, value in words, source) of values imported from other apps."""

    @property
    def total(self) -> int:
        return sum(t.count for t in self.twitches)


DONE = {
    "saved": "Your changes are saved.",
    "deleted-twitch": "The twitch was deleted.",
    "deleted-checkin": "The check-in was deleted.",
}


LATEST_DAYS = 3660
"""How far ahead the diary page may be paged (ten years): a diary holds no later day."""


@router.get("/diary", response_class=HTMLResponse)
def diary_page(
    request: Request,
    view: View = "recent",
    day: date | None = None,
    site: str | None = None,
    done: str | None = None,
    diary: Diary = Depends(get_diary),
) -> HTMLResponse:
    """A month (or week) at a time: overview charts, a calendar whose days open that day, the
    days of the period newest first, optionally only one place."""
    today = date.today()
    if day is not None and not EARLIEST <= day <= today + timedelta(days=LATEST_DAYS):
        # A period around year 1 or 9999 cannot be computed; say so, not a 500.
        raise HTTPException(422, f"day: {day} is outside the years a diary can show")
    site = site if site in SITE_IDS else None
    period = Period.around(day or today, view)
    weeks = 16
    overview_start = today - timedelta(weeks=weeks)
    first = min(overview_start, period.start)
    twitches = [
        t
        for t in diary.list_twitches(first, max(today, period.end))
        if site is None or t.site == site
    ]
    checkins = diary.list_checkins(first, max(today, period.end))
    counts: dict[date, int] = defaultdict(int)
    for t in twitches:
        counts[t.day] += t.count
    tracked = {c.day for c in checkins}
    days: dict[date, Day] = {}
    for t in twitches:
        if period.start <= t.day <= period.end:
            days.setdefault(t.day, Day(t.day)).twitches.append(t)
    for c in checkins:
        if period.start <= c.day <= period.end:
            days.setdefault(c.day, Day(c.day)).checkin = c
    for source, value in diary.list_day_values(period.start, period.end):
        days.setdefault(value.day, Day(value.day)).imported.append(
            (metric_label(value.metric), show_value(value.metric, value.value), source)
        )
    if day is not None and period.start <= day <= period.end:
        days.setdefault(day, Day(day))
    recent_counts = {d: n for d, n in counts.items() if d >= overview_start}
    by_site: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for t in twitches:
        if t.day >= overview_start:
            by_site[t.site][0] += t.count
            by_site[t.site][1] += 1
    sites = sorted(by_site.items(), key=lambda item: -item[1][0])
    in_period = [n for d, n in counts.items() if period.start <= d <= period.end]
    return render(
        request,
        "diary.html",
        "diary",
        weeks=weeks,
        heat=heat_map(recent_counts, {d for d in tracked if d >= overview_start}, today, weeks),
        line=timeline(recent_counts, today, 30),
        days=sorted(days.values(), key=lambda d: d.day, reverse=True),
        selected=day,
        total=sum(in_period),
        tracked_days=sum(1 for d in tracked if period.start <= d <= period.end),
        twitch_days=len(in_period),
        sites=sites,
        site_peak=max((n for n, _ in by_site.values()), default=0),
        period=period,
        calendar=calendar_weeks(period, counts, tracked, today),
        can_go_next=period.next <= today,
        site=site,
        site_choices=[(s, site_title(s)) for s in SITE_IDS],
        done=DONE.get(done or ""),
        summary=checkin_summary,
    )


def _twitch_or_404(diary: Diary, twitch_id: int) -> Twitch:
    try:
        return diary.get_twitch(twitch_id)
    except DiaryError:
        raise HTTPException(
            404, "There is no such twitch in your diary (it may have been deleted)."
        ) from None


def _edit_values(t: Twitch) -> dict[str, Any]:
    local = t.time if t.explicit_offset else t.time.replace(tzinfo=None)
    return {
        "when": local.replace(tzinfo=None).isoformat(timespec="minutes"),
        "site": t.site,
        "intensity": "" if t.intensity is None else str(t.intensity),
        "count": str(t.count),
        "duration_s": "" if t.duration_s is None else f"{t.duration_s:g}",
        "note": t.note or "",
    }


def _edit_page(
    request: Request,
    twitch: Twitch,
    values: dict[str, Any],
    errors: dict[str, str],
    status: int = 200,
) -> HTMLResponse:
    sites = [(s, site_title(s)) for s in SITE_IDS]
    return render(
        request,
        "twitch_edit.html",
        "diary",
        status,
        twitch=twitch,
        values=values,
        errors=errors,
        sites=sites,
        intensities=INTENSITIES,
    )


@router.get("/diary/twitches/{twitch_id}/edit", response_class=HTMLResponse)
def edit_twitch_page(
    request: Request, twitch_id: int = TwitchId, diary: Diary = Depends(get_diary)
) -> HTMLResponse:
    twitch = _twitch_or_404(diary, twitch_id)
    return _edit_page(request, twitch, _edit_values(twitch), {})


@router.post("/diary/twitches/{twitch_id}", response_class=HTMLResponse)
async def update_twitch(
    request: Request, twitch_id: int = TwitchId, diary: Diary = Depends(get_diary)
) -> Response:
    twitch = _twitch_or_404(diary, twitch_id)
    form = Form.of(await request.form())
    changes: dict[str, Any] = {
        "site": form.values.get("site", ""),
        "intensity": form.integer("intensity", 1, 5),
        "count": form.integer("count", 1, 100_000) or 1,
        "duration_s": form.number("duration_s", 0, 86_400),
        "note": form.text("note", 5000),
    }
    if changes["site"] not in SITE_IDS:
        form.errors["site"] = "Choose where you felt the twitch."
    when = form.values.get("when", "")
    if when:
        changes["time"] = when
    else:
        form.errors["when"] = "Enter when it happened."
    if not form.errors:
        try:
            updated = diary.update_twitch(twitch_id, **changes)
        except DiaryError as exc:
            form.add_diary_error(exc, {"time": "when"})
        else:
            day = updated.day.isoformat()
            return redirect(f"/diary?day={day}&done=saved#day-{day}")
    return _edit_page(request, twitch, form.values, form.errors, 422)


@router.get("/diary/twitches/{twitch_id}/delete", response_class=HTMLResponse)
def confirm_delete_twitch(
    request: Request, twitch_id: int = TwitchId, diary: Diary = Depends(get_diary)
) -> HTMLResponse:
    """Deleting asks first: one stray tap must not lose an entry."""
    t = _twitch_or_404(diary, twitch_id)
    return render(
        request,
        "confirm_delete.html",
        "diary",
        what="this twitch",
        description=f"{nice_date(t.day)} at {t.time:%H:%M}: {site_label(t.site)}, "
        f"{t.count} twitch{'es' if t.count != 1 else ''}.",
        action=f"/diary/twitches/{t.id}/delete",
        back=f"/diary?day={t.day.isoformat()}#day-{t.day.isoformat()}",
    )


@router.get("/diary/checkins/{day}/delete", response_class=HTMLResponse)
def confirm_delete_checkin(
    request: Request, day: date, diary: Diary = Depends(get_diary)
) -> HTMLResponse:
    checkin = diary.get_checkin(day)
    if checkin is None:
        raise HTTPException(404, f"There is no check-in for {day} in your diary.")
    return render(
        request,
        "confirm_delete.html",
        "diary",
        what="this check-in",
        description=f"The check-in of {nice_date(day)}: {checkin_summary(checkin)}.",
        action=f"/diary/checkins/{day.isoformat()}/delete",
        back=f"/diary?day={day.isoformat()}#day-{day.isoformat()}",
    )


@router.post("/diary/twitches/{twitch_id}/delete", response_class=HTMLResponse)
async def delete_twitch(
    request: Request, twitch_id: int = TwitchId, diary: Diary = Depends(get_diary)
) -> Response:
    form = Form.of(await request.form())
    twitch = _twitch_or_404(diary, twitch_id)
    diary.delete_twitch(twitch_id)
    if request.headers.get("HX-Request") == "true":
        what = f"Removed: the {site_label(twitch.site)} twitch at {twitch.time:%H:%M}."
        today = date.today()
        return render(
            request,
            "partials/deleted.html",
            None,
            what=what,
            todays=diary.list_twitches(today, today)[::-1],
        )
    day = twitch.day.isoformat()
    return redirect(
        _local(form.values.get("next")) or f"/diary?day={day}&done=deleted-twitch#day-{day}"
    )


@router.post("/diary/checkins/{day}/delete", response_class=HTMLResponse)
async def delete_checkin(
    request: Request, day: date, diary: Diary = Depends(get_diary)
) -> Response:
    try:
        diary.delete_checkin(day)
    except DiaryError:
        raise HTTPException(404, f"There is no check-in for {day} in your diary.") from None
    return redirect(f"/diary?day={day.isoformat()}&done=deleted-checkin#day-{day.isoformat()}")


def _local(url: str | None) -> str | None:
    """Only redirect within this app (never to another site)."""
    if url and url.startswith("/") and not url.startswith("//") and "\\" not in url:
        return url
    return None

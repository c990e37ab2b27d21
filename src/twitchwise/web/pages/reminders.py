"""Reminders without any third-party service: an iCalendar feed the person's own calendar app
subscribes to (or imports), with a daily alarm at the times they chose.

The times live in the feed's address (`/reminders.ics?at=21:00&at=08:30`), so nothing is stored
and nothing is sent anywhere. Where the browser can, the page also offers Web Push notifications
from the app itself (`web/_push.py`, `web/api/push.py`). The wording is a calm reminder to log,
never a nudge that feeds worry.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, Response

from .._push import public_key, vapid_for
from ._common import render

router = APIRouter()

MAX_TIMES = 4
SUMMARY = "twitchwise: a minute for today's diary"
DESCRIPTION = (
    "When you have a minute: note any twitches and fill in today's check-in (sleep, drinks, "
    "stress). A calm day counts too: 'No twitches today' is one tap. Skip it whenever you like."
)


def _times(raw: list[str]) -> list[time]:
    """The reminder times, checked: HH:MM, at most four, no repeats, in order."""
    if len(raw) > MAX_TIMES:
        raise HTTPException(422, f"At most {MAX_TIMES} reminder times, please.")
    found: set[time] = set()
    for text in raw:
        if not text:
            continue
        try:
            found.add(time.fromisoformat(text).replace(second=0, microsecond=0, tzinfo=None))
        except ValueError:
            raise HTTPException(422, f"{text!r} is not a time like 21:00.") from None
    return sorted(found)


def calendar_feed(times: list[time], first_day: date) -> bytes:
    """A VCALENDAR with one daily event per time, each with a display alarm at its start.

    Floating local times (no time zone) on purpose: 21:00 stays 21:00 where the person is.
    """
    from icalendar import Alarm, Calendar, Event  # loaded only when a feed is asked for

    cal = Calendar()
    cal.add("prodid", "-//twitchwise//reminders//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", "twitchwise reminders")
    for at in times:
        event = Event()
        event.add("uid", f"twitchwise-reminder-{at:%H%M}@twitchwise.local")
        event.add("dtstamp", datetime.combine(first_day, time(0, 0)))
        event.add("dtstart", datetime.combine(first_day, at))
        event.add("duration", timedelta(minutes=5))
        event.add("rrule", {"freq": "daily"})
        event.add("summary", SUMMARY)
        event.add("description", DESCRIPTION)
        event.add("transp", "TRANSPARENT")  # a reminder, not a busy slot
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", SUMMARY)
        alarm.add("trigger", timedelta(0))
        event.add_component(alarm)
        cal.add_component(event)
    return bytes(cal.to_ical())


@router.get("/reminders.ics")
def reminders_feed(at: Annotated[list[str], Query()] = ["21:00"]) -> Response:  # noqa: B006
    times = _times(at) or [time(21, 0)]
    return Response(
        calendar_feed(times, date.today()),
        media_type="text/calendar; charset=utf-8",
        headers={"Content-Disposition": 'inline; filename="twitchwise-reminders.ics"'},
    )


@router.get("/reminders", response_class=HTMLResponse)
def reminders_page(
    request: Request,
    at: Annotated[list[str], Query()] = ["21:00"],  # noqa: B006
) -> HTMLResponse:
    times = _times(at) or [time(21, 0)]
    query = "&".join(f"at={t:%H:%M}" for t in times)
    host = request.headers.get("host", "127.0.0.1:8000")
    return render(
        request,
        "reminders.html",
        None,
        times=[f"{t:%H:%M}" for t in times],
        slots=MAX_TIMES,
        feed=f"/reminders.ics?{query}",
        webcal=f"webcal://{host}/reminders.ics?{query}",
        push_key=public_key(vapid_for(request.app)),
    )

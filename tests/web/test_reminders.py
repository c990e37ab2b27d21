"""Reminders as an iCalendar feed: the chosen times, daily, with an alarm, in calm words."""

from __future__ import annotations

from datetime import time, timedelta

from fastapi.testclient import TestClient
from icalendar import Calendar


def test_the_feed_has_a_daily_event_with_an_alarm_at_each_time(client: TestClient) -> None:
    response = client.get("/reminders.ics?at=21:00&at=08:30&at=21:00")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/calendar")
    cal = Calendar.from_ical(response.content)
    events = [c for c in cal.walk("VEVENT")]
    assert [e.decoded("dtstart").time() for e in events] == [time(8, 30), time(21, 0)]
    for event in events:
        assert event["rrule"]["FREQ"] == ["DAILY"]
        alarm = event.walk("VALARM")[0]
        assert alarm["action"] == "DISPLAY" and alarm.decoded("trigger") == timedelta(0)
        words = f"{event['summary']} {event['description']}".lower()
        assert "minute" in words
        assert not any(w in words for w in ("warning", "danger", "urgent"))


def test_bad_times_are_refused_by_name(client: TestClient) -> None:
    response = client.get("/reminders.ics?at=25:99")
    assert response.status_code == 422 and "25:99" in response.text
    too_many = "&".join(f"at=0{n}:00" for n in range(5))
    assert client.get(f"/reminders.ics?{too_many}").status_code == 422


def test_the_page_builds_the_subscription_link(client: TestClient) -> None:
    page = client.get("/reminders?at=20:15").text
    assert 'href="/reminders.ics?at=20:15"' in page
    assert "webcal://" in page and 'value="20:15"' in page

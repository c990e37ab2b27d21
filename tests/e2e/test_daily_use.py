"""Daily use, at a phone's size (390x844) and a desktop's: the issue's "done when" checks.

- the left thigh is on the first screen; two taps log two left-thigh episodes, each confirmed with
  Undo beside the finger, and the map does not move between them;
- a check-in of 4 coffees edited to 5 stores (and shows) 5 coffees;
- a day marked "no twitches" counts as a tracked day with zero in insights.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from .conftest import LiveServer, PageProblems, assert_accessible, start_server, stop_server
from .test_pages import PAGES

LEFT_THIGH = re.compile(r"^Left thigh \(front, above the knee\)")
SIZES = {
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
    "desktop": {"viewport": {"width": 1280, "height": 800}},
}


@pytest.fixture(params=list(SIZES))
def sized(
    request: pytest.FixtureRequest, browser: Browser, live_server: LiveServer
) -> Iterator[Page]:
    """A watched page at a phone's size and at a desktop's."""
    context = browser.new_context(base_url=live_server.url, locale="en-GB", **SIZES[request.param])  # type: ignore[arg-type]
    problems = PageProblems(live_server.url)
    page = problems.watch(context.new_page())
    page.size_name = request.param  # type: ignore[attr-defined]
    yield page
    context.close()
    problems.assert_none()


def _tap(page: Page, box: dict[str, float]) -> None:
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    if page.size_name == "phone":  # type: ignore[attr-defined]
        page.touchscreen.tap(x, y)
    else:
        page.mouse.click(x, y)


def _left_thigh_count(server: LiveServer) -> int:
    today = date.today().isoformat()
    found = server.get_json(f"/api/v1/twitches?start={today}&end={today}")
    assert isinstance(found, list)
    return sum(1 for t in found if t["site"] == "left_thigh")


def test_two_taps_on_the_left_thigh_log_two_episodes_and_the_map_stays_still(
    sized: Page, live_server: LiveServer
) -> None:
    page = sized
    before = _left_thigh_count(live_server)
    page.goto("/log")
    region = page.get_by_role("link", name=LEFT_THIGH)
    first = region.bounding_box()
    assert first is not None
    height = page.viewport_size["height"] if page.viewport_size else 0
    assert first["y"] + first["height"] <= height, (
        f"the left thigh is below the first screen: {first}"
    )
    assert page.evaluate("window.scrollY") == 0
    bodymap = page.locator(".bodymap")
    map_box = bodymap.bounding_box()

    _tap(page, first)
    toasts = page.locator("#log-status .toast")
    expect(toasts).to_have_count(1)
    expect(toasts.first).to_contain_text("in the left thigh")
    assert bodymap.bounding_box() == map_box, "the map moved after a tap"
    assert page.evaluate("window.scrollY") == 0
    _tap(page, first)
    expect(toasts).to_have_count(2)
    expect(toasts.nth(0)).to_contain_text("in the left thigh")
    expect(toasts.nth(1)).to_contain_text("in the left thigh")
    assert bodymap.bounding_box() == map_box, "the map moved after the second tap"
    assert _left_thigh_count(live_server) == before + 2

    # The confirmation sits beside the finger, with its Undo, and never covers the place tapped.
    toast = toasts.first.bounding_box()
    assert toast is not None
    assert abs((toast["y"] + toast["height"] / 2) - (first["y"] + first["height"] / 2)) < height / 2
    centre_y = first["y"] + first["height"] / 2
    assert not toast["y"] <= centre_y <= toast["y"] + toast["height"], "the toast covers the thigh"
    undo = toasts.first.get_by_role("button", name=re.compile("^Undo"))
    expect(undo).to_be_visible()
    undo.click()
    expect(page.locator("#log-status")).to_contain_text("Removed: the left thigh twitch")
    assert _left_thigh_count(live_server) == before + 1


def test_four_coffees_edited_to_five_store_five_coffees(
    sized: Page, live_server: LiveServer
) -> None:
    page = sized
    offset = 60 if page.size_name == "phone" else 61  # type: ignore[attr-defined]
    day = (date.today() - timedelta(days=offset)).isoformat()
    page.goto(f"/checkin?date={day}")
    coffee = page.get_by_label("Brewed coffee", exact=True)
    coffee.fill("4")
    page.get_by_role("button", name="Save check-in").click()
    expect(page.get_by_role("status")).to_contain_text("saved")
    page.goto(f"/checkin?date={day}")
    expect(coffee).to_have_value("4")
    expect(page.get_by_label("Other caffeine, in mg", exact=True)).to_have_value("")
    page.get_by_role("button", name="One brewed coffee more").click()  # the stepper
    expect(coffee).to_have_value("5")
    page.get_by_role("button", name="Save check-in").click()
    expect(page.get_by_role("status")).to_contain_text("saved")
    per_cup = float(coffee.get_attribute("data-caffeine-mg") or 0)
    stored = live_server.get_json(f"/api/v1/checkins/{day}")
    assert isinstance(stored, dict) and stored["caffeine_mg"] == 5 * per_cup
    page.goto(f"/checkin?date={day}")
    expect(coffee).to_have_value("5")
    expect(page.get_by_label("Other caffeine, in mg", exact=True)).to_have_value("")


@pytest.fixture
def fresh_server(tmp_path: Path) -> Iterator[LiveServer]:
    """A server over an empty diary: "no twitches today" needs a today with nothing logged."""
    server = start_server(tmp_path)
    yield server
    stop_server(server)


@pytest.mark.parametrize("size", list(SIZES))
def test_a_no_twitch_day_is_a_tracked_zero_in_insights(
    browser: Browser, fresh_server: LiveServer, size: str
) -> None:
    context = browser.new_context(base_url=fresh_server.url, locale="en-GB", **SIZES[size])  # type: ignore[arg-type]
    problems = PageProblems(fresh_server.url)
    page = problems.watch(context.new_page())
    page.goto("/insights")
    expect(page.get_by_text("No tracked days yet")).to_be_visible()
    page.goto("/")
    page.get_by_role("button", name="No twitches today").click()
    expect(page.get_by_text("No twitches today")).to_be_visible()
    page.goto("/insights")
    expect(page.get_by_text("From 1 tracked day")).to_be_visible()
    report = fresh_server.get_json("/api/v1/insights")
    assert isinstance(report, dict)
    assert report["insights"]["tracked_days"] == 1
    context.close()
    problems.assert_none()


def test_the_diary_opens_a_tapped_calendar_day_and_deletes_only_after_asking(
    sized: Page, live_server: LiveServer
) -> None:
    page = sized
    day = date.today().replace(day=1) - timedelta(days=75)
    note = f"calendar day {page.size_name}"  # type: ignore[attr-defined]
    response = page.request.post(
        "/api/v1/twitches",
        data={"site": "neck", "time": f"{day.isoformat()}T08:15", "note": note},
    )
    assert response.status == 201, response.text()
    page.goto(f"/diary?view=month&day={day.isoformat()}")
    expect(page.get_by_role("heading", name=f"{day:%B %Y}", exact=True)).to_be_visible()
    page.get_by_role("link", name=re.compile(rf"^{day:%a} {day.day} {day:%b %Y}: ")).click()
    article = page.locator(f"#day-{day.isoformat()}")
    expect(article).to_be_in_viewport()
    expect(article).to_contain_text(note)
    page.get_by_label("Place").select_option("left_thigh")
    page.get_by_role("button", name="Show", exact=True).click()
    expect(page.get_by_text(note)).to_have_count(0)
    page.get_by_label("Place").select_option("neck")
    page.get_by_role("button", name="Show", exact=True).click()
    row = page.get_by_role("row").filter(has_text=note)
    row.get_by_role("link", name=re.compile("^Delete")).click()
    page.get_by_role("link", name="No, keep it").click()
    expect(page.get_by_role("row").filter(has_text=note)).to_have_count(1)
    page.get_by_role("row").filter(has_text=note).get_by_role(
        "link", name=re.compile("^Delete")
    ).click()
    page.get_by_role("button", name="Yes, delete this twitch").click()
    expect(page.get_by_role("status")).to_contain_text("The twitch was deleted.")
    expect(page.get_by_role("row").filter(has_text=note)).to_have_count(0)


@pytest.mark.parametrize("site", ["eyelid", "tongue"])
def test_eyelid_and_tongue_have_44_px_targets_that_log(
    sized: Page, live_server: LiveServer, site: str
) -> None:
    page = sized
    page.goto("/log")
    button = page.locator(f'[data-quick-site="{site}"]')
    box = button.bounding_box()
    assert box is not None and box["width"] >= 44 and box["height"] >= 44, box
    height = page.viewport_size["height"] if page.viewport_size else 0
    assert box["y"] + box["height"] <= height, "on the first screen"
    button.click()
    expect(page.locator("#log-status .toast").first).to_contain_text(f"in the {site}")


@pytest.fixture
def phone_axe(browser: Browser, live_server: LiveServer) -> Iterator[Page]:
    """A phone-sized page whose context bypasses CSP, only so axe-core can be injected."""
    context = browser.new_context(
        base_url=live_server.url, locale="en-GB", bypass_csp=True, **SIZES["phone"]
    )  # type: ignore[arg-type]
    yield context.new_page()
    context.close()


@pytest.mark.parametrize("path", PAGES)
def test_every_page_passes_axe_on_a_phone(phone_axe: Page, path: str) -> None:
    response = phone_axe.goto(path)
    assert response is not None and response.status == 200
    phone_axe.wait_for_load_state("networkidle")
    assert_accessible(phone_axe)


@pytest.mark.parametrize("size", list(SIZES))
def test_the_new_states_pass_axe(browser: Browser, live_server: LiveServer, size: str) -> None:
    """The month calendar, the delete question, "same as yesterday" and a confirmation toast."""
    context = browser.new_context(
        base_url=live_server.url, locale="en-GB", bypass_csp=True, **SIZES[size]
    )  # type: ignore[arg-type]
    page = context.new_page()
    day = date.today() - timedelta(days=90 if size == "phone" else 91)
    page.request.put(f"/api/v1/checkins/{day.isoformat()}", data={"sleep_hours": 7})
    created = page.request.post(
        "/api/v1/twitches", data={"site": "neck", "time": f"{day.isoformat()}T09:00"}
    ).json()
    for path in (
        f"/diary?view=month&day={day.isoformat()}",
        f"/diary?view=week&day={day.isoformat()}&site=neck",
        f"/diary/twitches/{created['id']}/delete",
        f"/diary/checkins/{day.isoformat()}/delete",
        f"/checkin?date={(day + timedelta(days=1)).isoformat()}",
    ):
        response = page.goto(path)
        assert response is not None and response.status == 200, path
        assert_accessible(page)
    page.goto("/log")
    page.locator('[data-quick-site="face"]').click()
    expect(page.locator("#log-status .toast")).not_to_have_count(0)
    assert_accessible(page)
    context.close()


def test_same_as_yesterday_is_one_tap_and_the_check_in_fits_a_short_page(
    sized: Page, live_server: LiveServer
) -> None:
    page = sized
    day = date.today() - timedelta(days=120 if page.size_name == "phone" else 122)  # type: ignore[attr-defined]
    before = (day - timedelta(days=1)).isoformat()
    page.request.put(f"/api/v1/checkins/{before}", data={"sleep_hours": 6.5, "stress_level": 3})
    page.goto(f"/checkin?date={day.isoformat()}")
    # Folded parts keep the form short; the old page was about 4,500 px tall on a phone.
    form_bottom = page.evaluate(
        "document.querySelector('form[action=\"/checkin\"]').getBoundingClientRect().bottom"
        " + window.scrollY"
    )
    assert form_bottom < 2600, f"the check-in form ends at {form_bottom}px"
    page.get_by_role("button", name="Same as yesterday").click()
    expect(page.get_by_role("status")).to_contain_text("saved")
    expect(page.get_by_label("Hours slept last night", exact=True)).to_have_value("6.5")
    stored = live_server.get_json(f"/api/v1/checkins/{day.isoformat()}")
    assert isinstance(stored, dict) and stored["stress_level"] == 3


@pytest.mark.parametrize("size", list(SIZES))
def test_a_twitch_logged_offline_is_sent_once_when_back_online(
    browser: Browser, fresh_server: LiveServer, size: str
) -> None:
    context = browser.new_context(base_url=fresh_server.url, locale="en-GB", **SIZES[size])  # type: ignore[arg-type]
    page = context.new_page()
    page.goto("/log")
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()  # now the service worker controls the page and has cached it
    assert page.evaluate("!!navigator.serviceWorker.controller")
    context.set_offline(True)
    page.reload()  # the log page opens without a network, from the cache
    region = page.get_by_role("link", name=LEFT_THIGH)
    region.click()
    expect(page.locator("#log-status")).to_contain_text("kept on this phone")
    assert _left_thigh_count(fresh_server) == 0
    context.set_offline(False)
    expect(page.locator("#log-status")).to_contain_text("Sent: the left thigh twitch")
    assert _left_thigh_count(fresh_server) == 1
    page.reload()
    page.wait_for_load_state("networkidle")
    assert _left_thigh_count(fresh_server) == 1, "sent twice"
    assert page.evaluate("localStorage.getItem('twitchwise-offline-log')") == "[]"
    context.close()


@pytest.mark.parametrize("size", list(SIZES))
def test_dark_mode_follows_the_system_and_passes_axe(
    browser: Browser, live_server: LiveServer, size: str
) -> None:
    context = browser.new_context(
        base_url=live_server.url, locale="en-GB", bypass_csp=True, color_scheme="dark",
        **SIZES[size],
    )  # type: ignore[arg-type]  # fmt: skip
    page = context.new_page()
    for path in ("/", "/log", "/checkin", "/diary", "/insights", "/experiment", "/assess"):
        page.goto(path)
        background = page.evaluate("getComputedStyle(document.documentElement).backgroundColor")
        assert background == "rgb(18, 24, 27)", f"{path} is not dark: {background}"
        assert_accessible(page)
    context.close()


@pytest.mark.parametrize("size", list(SIZES))
def test_first_run_welcome_and_assessment_history_pass_axe(
    browser: Browser, fresh_server: LiveServer, size: str
) -> None:
    context = browser.new_context(
        base_url=fresh_server.url, locale="en-GB", bypass_csp=True, **SIZES[size]
    )  # type: ignore[arg-type]
    page = context.new_page()
    page.goto("/")
    welcome = page.get_by_role("region", name="Welcome to twitchwise")
    expect(welcome).to_be_visible()
    expect(welcome).to_contain_text("not a diagnosis")
    assert_accessible(page)
    page.goto("/assessments")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your assessments")
    assert_accessible(page)
    page.goto("/log")
    page.get_by_role("link", name=LEFT_THIGH).click()
    expect(page.locator("#log-status .toast")).to_have_count(1)
    page.goto("/")
    expect(page.get_by_role("region", name="Welcome to twitchwise")).to_have_count(0)
    expect(page.get_by_role("button", name=re.compile("^Log the same again"))).to_be_visible()
    context.close()


@pytest.mark.parametrize("size", list(SIZES))
def test_reminder_times_make_a_calendar_file(
    browser: Browser, live_server: LiveServer, size: str
) -> None:
    context = browser.new_context(
        base_url=live_server.url, locale="en-GB", bypass_csp=True, **SIZES[size]
    )  # type: ignore[arg-type]
    page = context.new_page()
    page.goto("/")
    page.goto("/reminders")
    page.get_by_label("Time", exact=True).fill("20:45")
    page.get_by_role("button", name="Update the link").click()
    expect(page.get_by_text("At 20:45 every day.")).to_be_visible()
    # Chromium has a service worker and PushManager, so the Web Push offer is shown, with who
    # carries the message, and passes axe with the rest of the page.
    push = page.get_by_role("region", name="Or: a notification in this browser")
    expect(push.get_by_role("button", name="Notify me in this browser")).to_be_visible()
    expect(push).to_contain_text("push service of your browser")
    expect(push).to_contain_text("At 20:45 every day")
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the calendar file (.ics)").click()
    text = Path(download.value.path()).read_text(encoding="utf-8")
    assert "BEGIN:VEVENT" in text and "T204500" in text and "RRULE:FREQ=DAILY" in text
    context.close()


@pytest.mark.parametrize("size", list(SIZES))
def test_what_you_told_us_stays_inside_its_card(
    browser: Browser, live_server: LiveServer, size: str
) -> None:
    context = browser.new_context(base_url=live_server.url, locale="en-GB", **SIZES[size])  # type: ignore[arg-type]
    page = context.new_page()
    case = {
        "sites": ["left_thigh", "right_calf", "left_upper_arm", "eyelid", "right_hamstring"],
        "duration_days": 40,
        "factors": {"caffeine_mg_per_day": 600},
        "medications": ["Salbutamol-inhaler-100-micrograms-two-puffs-when-needed-for-asthma"],
    }
    response = page.request.post("/api/v1/assess?record=true", data=case)
    assert response.ok, response.text()
    page.goto("/assessments")
    page.get_by_role("link", name=re.compile("^See this result")).first.click()
    told = page.get_by_role("region", name="What you told us")
    expect(told).to_be_visible()
    card = told.bounding_box()
    assert card is not None
    for item in told.locator("dd").all():
        box = item.bounding_box()
        assert box is not None and box["x"] + box["width"] <= card["x"] + card["width"] + 1, box
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
    context.close()


@pytest.mark.parametrize("size", list(SIZES))
def test_an_experiment_planned_today_starts_tomorrow_and_home_says_so(
    browser: Browser, fresh_server: LiveServer, size: str
) -> None:
    context = browser.new_context(base_url=fresh_server.url, locale="en-GB", **SIZES[size])  # type: ignore[arg-type]
    page = context.new_page()
    page.goto("/experiment")
    tomorrow = date.today() + timedelta(days=1)
    expect(page.get_by_label("First day", exact=True)).to_have_value(tomorrow.isoformat())
    plan = page.get_by_role("region", name="Plan a new experiment")
    plan.get_by_role("radio").first.check()
    plan.get_by_role("button", name="Start the experiment").click()
    expect(page.get_by_role("region", name=re.compile(r"\(running\)$"))).to_be_visible()
    page.goto("/")
    expect(page.get_by_text("The experiment starts tomorrow")).to_be_visible()
    context.close()


@pytest.mark.parametrize("size", list(SIZES))
def test_imported_steps_and_heart_rate_show_on_insights_in_words(
    browser: Browser, fresh_server: LiveServer, size: str
) -> None:
    from twitchwise.diary import DayValue, Diary

    first = date.today() - timedelta(days=3)
    diary = Diary.open(f"sqlite:///{fresh_server.db_path}")
    try:
        diary.import_day_values(
            [DayValue(first + timedelta(days=n), "steps", 7000.0) for n in range(3)]
            + [DayValue(first, "resting_heart_rate_bpm", 58.0)],
            "apple-health",
        )
    finally:
        diary.close()
    context = browser.new_context(
        base_url=fresh_server.url, locale="en-GB", bypass_csp=True, **SIZES[size]
    )  # type: ignore[arg-type]  # axe is injected as a script
    problems = PageProblems(fresh_server.url)
    page = problems.watch(context.new_page())
    page.goto("/insights")
    section = page.get_by_role("region", name="From your other apps")
    expect(section.get_by_role("row", name=re.compile("^Steps"))).to_contain_text("7,000")
    expect(section).to_contain_text("Resting heart rate")
    expect(section).to_contain_text("58 beats a minute")
    expect(section).not_to_contain_text("_")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= SIZES[size]["viewport"]["width"]  # type: ignore[index]
    assert_accessible(page)
    context.close()
    problems.assert_none()


def test_the_service_worker_shows_the_pushed_reminder_and_a_refused_permission_is_explained(
    browser: Browser, live_server: LiveServer
) -> None:
    """No push service is involved: DevTools hands the push event to the service worker."""
    context = browser.new_context(base_url=live_server.url, locale="en-GB", **SIZES["phone"])  # type: ignore[arg-type]
    page = context.new_page()
    page.goto("/reminders")
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    # Without permission the offer explains itself and points to the calendar.
    page.get_by_role("button", name="Notify me in this browser").click()
    expect(page.locator("#push-status")).to_contain_text("did not allow notifications")
    context.grant_permissions(["notifications"], origin=live_server.url)
    cdp = context.new_cdp_session(page)
    registrations: list[str] = []
    cdp.on(
        "ServiceWorker.workerRegistrationUpdated",
        lambda e: registrations.extend(r["registrationId"] for r in e["registrations"]),
    )
    cdp.send("ServiceWorker.enable")
    for _ in range(50):  # the registration is reported right after enable
        if registrations:
            break
        page.wait_for_timeout(100)
    assert registrations
    message = (
        '{"title": "twitchwise", "body": "Time to fill in today\'s twitch diary", "url": "/log"}'
    )
    cdp.send(
        "ServiceWorker.deliverPushMessage",
        {"origin": live_server.url, "registrationId": registrations[0], "data": message},
    )
    shown = page.evaluate(
        """async () => {
          const reg = await navigator.serviceWorker.ready;
          for (let i = 0; i < 50; i++) {
            const list = await reg.getNotifications();
            if (list.length) return list.map(n => [n.title, n.body, n.data.url]);
            await new Promise(r => setTimeout(r, 100));
          }
          return [];
        }"""
    )
    assert shown == [["twitchwise", "Time to fill in today's twitch diary", "/log"]]
    context.close()

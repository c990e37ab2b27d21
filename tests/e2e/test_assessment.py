"""The assessment in a real browser: emergency signs first, one question per step, back and
forward, and a result page whose banner says how urgent it is before anything else."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime, timedelta

from playwright.sync_api import Page, expect

from .conftest import LiveServer
from .test_log_and_diary import post_json

Answer = str | Sequence[str]

# Question text fragment -> answer: "Yes"/"No"/an option label for radios, a list of checkbox
# labels, or text for a number or free-text answer. A calm case: two days after leg day.
SELF_CARE: list[tuple[str, Answer]] = [
    ("struggling to breathe", "No"),
    ("suddenly become weak or numb", "No"),
    ("speech suddenly become slurred", "No"),
    ("exposed to pesticides", "No"),
    ("How old are you", "34"),
    ("Where do you feel the twitching", ["Left thigh (front, above the knee)"]),
    ("how many days", "2"),
    ("getting better, staying the same", "About the same"),
    ("any of these right now", ["None of these"]),
    ("noticed any of these", ["None of these"]),
    ("accompanied by any of these", ["None of these"]),
    ("Which medicines", "none"),
    ("In the last few days", ["None of these"]),
    ("Do any of these apply to you", ["None of these"]),
    ("hours do you usually sleep", "7.5"),
    ("how much caffeine", "95"),
    ("alcoholic drinks", "2"),
    ("how many litres", "2"),
    ("How stressed", "3"),
    ("hours a week do you exercise", "9"),
    ("hard or unusual workout", "Yes"),
    ("leafy greens", "No"),
    ("already tried changes", "No"),  # asked only when it has lasted more than two weeks
]


def question(page: Page) -> str:
    return page.get_by_role("heading", level=1).inner_text().strip()


def answer(page: Page, value: Answer | re.Pattern[str]) -> None:
    if isinstance(value, re.Pattern):
        page.get_by_role("radio", name=value).check()
    elif isinstance(value, str) and page.get_by_role("radio").count():
        page.get_by_role("radio", name=value, exact=True).check()
    elif isinstance(value, str):
        box = page.get_by_role("spinbutton").or_(page.get_by_role("textbox"))
        box.fill(value)
    else:
        for label in value:
            page.get_by_role("checkbox", name=label, exact=True).check()
    page.get_by_role("button", name="Continue").click()


def start(page: Page) -> None:
    page.goto("/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Assess").click()
    start_button = page.get_by_role("button", name=re.compile(r"^Start"))
    start_button.last.click()  # "Start the assessment", or "Start without the diary"


def run_interview(page: Page, answers: list[tuple[str, Answer]]) -> list[str]:
    """Answer every question by its text; returns the questions in the order asked."""
    asked: list[str] = []
    for _ in range(40):
        text = question(page)
        if text == "Your result":
            return asked
        asked.append(text)
        matches = [a for fragment, a in answers if fragment.lower() in text.lower()]
        assert matches, f"the test has no answer for the question {text!r}"
        answer(page, matches[0])
    raise AssertionError(f"no result after 40 questions: {asked}")


def banner(page: Page) -> tuple[str, str]:
    """The triage banner's heading and its background colour."""
    section = page.locator("main section").first
    heading = section.get_by_role("heading").first.inner_text()
    colour = section.evaluate("el => getComputedStyle(el).backgroundColor")
    return heading, colour


def rgb(colour: str) -> tuple[int, int, int]:
    r, g, b = (int(v) for v in re.findall(r"\d+", colour)[:3])
    return r, g, b


def test_an_emergency_answer_ends_the_assessment_with_the_red_banner(
    page: Page, live_server: LiveServer
) -> None:
    start(page)
    first = question(page)
    assert "struggling to breathe" in first, f"emergency signs come first, not {first!r}"
    expect(page.get_by_text(re.compile(r"question 1 of about \d+"))).to_be_visible()
    answer(page, "No")
    answer(page, "No")
    assert "speech suddenly become slurred" in question(page)
    answer(page, "Yes")  # sudden slurred speech: a possible stroke

    alert = page.get_by_role("alert")
    expect(alert).to_be_visible()
    # Tap-to-call comes first: nothing on the result is before it.
    first_link = page.locator("main a").first
    expect(first_link).to_have_attribute("href", "tel:999")
    expect(alert.get_by_role("link", name=re.compile(r"^Call 112"))).to_have_attribute(
        "href", "tel:112"
    )
    expect(alert.get_by_role("heading", level=1)).to_have_text("Emergency")
    expect(alert.get_by_role("listitem").first).to_contain_text("Call your emergency number now")
    main_text = page.locator("main").inner_text()
    assert main_text.count("say you think it may be a stroke") == 1, "advice is said once"
    heading, colour = banner(page)
    assert heading.startswith("Emergency"), "the emergency banner is the first thing on the page"
    r, g, b = rgb(colour)
    assert r > 150 and r > 2 * g and r > 2 * b, f"the emergency banner is red, not {colour}"
    # The reasons name what was answered, with a source.
    reasons = page.get_by_role("region", name="Why")
    expect(reasons).to_contain_text("Source:")


def test_not_sure_to_an_emergency_question_means_call_now(
    page: Page, live_server: LiveServer
) -> None:
    start(page)
    answer(page, re.compile(r"^Not sure"))
    expect(page.get_by_role("alert")).to_be_visible()
    expect(page.locator("main a").first).to_have_attribute("href", "tel:999")


def test_the_wizard_says_which_medicines_it_understood(page: Page, live_server: LiveServer) -> None:
    start(page)
    answers = [(f, a) for f, a in SELF_CARE if f != "Which medicines"]
    for _ in range(20):
        text = question(page)
        if "Which medicines" in text:
            answer(page, "Lasix 40mg, Zyxorol [x]")
            break
        answer(page, next(a for f, a in answers if f.lower() in text.lower()))
    box = page.get_by_role("region", name="What we understood from your medicines")
    expect(box).to_contain_text("Lasix 40mg (furosemide): a diuretic")
    expect(box).to_contain_text("Not recognised: Zyxorol [x]")
    expect(box).to_contain_text("ask a pharmacist")


def test_a_calm_case_reaches_self_care_with_sourced_causes_and_plan(
    page: Page, live_server: LiveServer
) -> None:
    start(page)
    asked = run_interview(page, SELF_CARE)
    emergency = [q for fragment, _ in SELF_CARE[:4] for q in asked if fragment in q]
    assert asked[:4] == emergency, f"the emergency questions are asked first: {asked[:5]}"

    heading, colour = banner(page)
    assert heading == "Self-care"
    r, g, b = rgb(colour)
    assert not (r > 150 and r > 2 * g and r > 2 * b), "a self-care banner is not red"
    expect(page.get_by_role("alert")).to_have_count(0)
    causes = page.get_by_role("region", name="What is likely behind it")
    expect(causes.get_by_role("listitem").first).to_contain_text("Muscle fatigue and overtraining")
    plan = page.get_by_role("region", name="Your plan").get_by_role("listitem")
    assert plan.count() >= 1
    for item in [*causes.get_by_role("listitem").all(), *plan.all()]:
        expect(item).to_contain_text("Source:")

    # Home now shows the latest assessment and what it advised.
    page.get_by_role("link", name="twitchwise", exact=True).click()
    latest = page.get_by_role("region", name="Your latest assessment")
    expect(latest).to_contain_text("Self-care")
    latest.get_by_role("link", name="See the full result").click()
    assert banner(page)[0] == "Self-care"


def test_back_returns_to_the_previous_question_with_its_answer_kept(
    page: Page, live_server: LiveServer
) -> None:
    start(page)
    answer(page, "No")
    assert "suddenly become weak or numb" in question(page)
    expect(page.get_by_role("progressbar")).to_have_attribute("value", "1")
    page.get_by_role("button", name="Back").click()
    assert "struggling to breathe" in question(page)
    expect(page.get_by_role("radio", name="No", exact=True)).to_be_checked()
    expect(page.get_by_role("progressbar")).to_have_attribute("value", "0")
    page.get_by_role("button", name="Continue").click()
    assert "suddenly become weak or numb" in question(page)


def test_a_missing_or_impossible_answer_is_asked_again_with_the_reason(
    page: Page, live_server: LiveServer
) -> None:
    start(page)
    for _ in range(4):
        answer(page, "No")
    assert "How old are you" in question(page)
    answer(page, "")  # optional: left empty
    assert "Where do you feel" in question(page)
    page.get_by_role("button", name="Continue").click()  # nothing chosen
    assert "Where do you feel" in question(page)
    expect(page.get_by_role("group")).to_have_accessible_description(re.compile("place"))
    answer(page, ["Left thigh (front, above the knee)"])
    days = page.get_by_role("spinbutton")
    days.fill("-3")  # novalidate: the server is the judge
    page.get_by_role("button", name="Continue").click()
    assert "how many days" in question(page).lower()
    expect(page.get_by_role("spinbutton")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_role("spinbutton")).to_have_value("-3")


def test_the_whole_assessment_works_without_javascript(
    nojs_page: Page, live_server: LiveServer
) -> None:
    start(nojs_page)
    run_interview(nojs_page, SELF_CARE)
    assert banner(nojs_page)[0] == "Self-care"


def test_starting_from_the_diary_skips_what_it_shows_but_not_the_emergency_questions(
    page: Page, live_server: LiveServer
) -> None:
    """The diary can establish a red flag but never rule one out: 17 days of twitches in both
    thighs already make it persistent and widespread, so duration and places are not asked."""
    today = date.today()
    for back in range(17):
        when = datetime.combine(today - timedelta(days=back), datetime.min.time()).replace(hour=9)
        for site in ("left_thigh", "right_thigh"):
            post_json(live_server, "/api/v1/twitches", {"site": site, "time": when.isoformat()})
    page.goto("/assess")
    from_diary = page.get_by_role("region", name="Start from your diary")
    expect(from_diary.get_by_role("listitem").first).to_be_visible()
    from_diary.get_by_role("button", name="Start, using my diary").click()

    asked = run_interview(page, SELF_CARE)
    for fragment, _ in SELF_CARE[:4]:
        assert any(fragment in q for q in asked[:4]), f"emergency question {fragment!r} not first"
    assert not any("Where do you feel" in q for q in asked), "the diary shows two places"
    assert not any("how many days" in q.lower() for q in asked), "the diary shows 17 days"
    told = page.get_by_role("region", name="What you told us")
    expect(told).to_contain_text("left thigh")
    expect(told).to_contain_text("right thigh")
    expect(page.get_by_role("region", name="Why")).to_contain_text("Source:")

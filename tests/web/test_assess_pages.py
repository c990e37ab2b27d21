"""The assessment pages: one question a step, emergency first, back and forward, a signed state,
and a result page whose every item names its source."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timedelta

from fastapi.testclient import TestClient

from twitchwise.diary import Diary

Csrf = Callable[[str], str]


class Walk:
    """Drives the interview as a browser without JavaScript would: plain form posts."""

    def __init__(self, client: TestClient, token: str, html: str) -> None:
        self.client, self.token, self.html = client, token, html
        self.response = None

    @property
    def question(self) -> str:
        found = re.search(r'name="question" value="([^"]+)"', self.html)
        assert found, "not on a question page"
        return found.group(1)

    @property
    def heading(self) -> str:
        found = re.search(r"<h1[^>]*>(?:<label[^>]*>)?([^<]+)", self.html)
        assert found
        return found.group(1)

    def post(self, action: str = "next", answer: str | list[str] | None = None):  # type: ignore[no-untyped-def]
        state = re.search(r'name="state" value="([^"]+)"', self.html)
        assert state
        data: dict[str, object] = {"csrf_token": self.token, "state": state.group(1),
                                   "question": self.question, "action": action}  # fmt: skip
        if answer is not None:
            data["answer"] = answer
        self.response = self.client.post("/assess/step", data=data, follow_redirects=False)
        self.html = self.response.text
        return self.response


def start(client: TestClient, csrf: Csrf, from_diary: str = "no") -> Walk:
    token = csrf("/assess")
    response = client.post("/assess/start", data={"csrf_token": token, "from_diary": from_diary})
    assert response.status_code == 200
    return Walk(client, token, response.text)


ANSWERS = {"sites": ["left_thigh"], "duration_days": "5", "course": "stable", "age": ""}


def finish(walk: Walk) -> str:
    """Answer everything reassuringly; return the result page's URL."""
    for _ in range(40):
        q = walk.question
        if q in ANSWERS:
            answer: str | list[str] = ANSWERS[q]
        elif 'type="checkbox"' in walk.html:
            answer = ["none"]
        elif 'type="radio"' in walk.html:
            answer = "no"
        elif "<textarea" in walk.html:
            answer = "none"
        else:
            answer = ""
        response = walk.post(answer=answer)
        if response.status_code == 303:
            return str(response.headers["location"])
        assert response.status_code == 200, f"{q}: {response.text[:300]}"
    raise AssertionError("the interview did not end")


def test_the_first_question_is_an_emergency_sign(client: TestClient, csrf: Csrf) -> None:
    walk = start(client, csrf)
    assert "breath" in walk.heading.lower()
    assert "Urgent signs first" in walk.html and "<progress" in walk.html


def test_a_yes_to_an_emergency_sign_ends_in_a_red_banner(
    client: TestClient, diary: Diary, csrf: Csrf
) -> None:
    walk = start(client, csrf)
    response = walk.post(answer="yes")
    assert response.status_code == 303
    page = client.get(response.headers["location"]).text
    assert 'class="triage triage-emergency"' in page and 'role="alert"' in page
    main = page[page.index("<main") :]
    assert main.index('href="tel:999"') < main.index("<h1"), "tap-to-call comes first"
    assert main.count("Call your emergency number now") == 1, "the advice is said once"
    assert page.index("triage-emergency") < page.index("What you told us")
    [record] = diary.list_assessments()
    assert record.origin == "web" and record.triage == "emergency"


def test_a_reassuring_walk_ends_in_self_care_with_sources(
    client: TestClient, diary: Diary, csrf: Csrf
) -> None:
    page = client.get(finish(start(client, csrf))).text
    assert 'class="triage triage-self_care"' in page
    plan = page[page.index('id="plan-heading"') :]
    items = plan[: plan.index("</ul>")].count("<li>")
    assert items >= 1 and plan[: plan.index("</ul>")].count("Source: ") == items
    assert "left thigh" in page
    assert diary.list_assessments()[0].triage == "self_care"


def test_missing_answer_is_asked_again_with_the_error_beside_it(
    client: TestClient, csrf: Csrf
) -> None:
    walk = start(client, csrf)
    first = walk.question
    response = walk.post(answer=None)
    assert response.status_code == 422
    assert walk.question == first
    assert 'id="answer-error"' in walk.html and 'aria-describedby="answer-error"' in walk.html


def test_back_returns_to_the_previous_question_with_its_answer(
    client: TestClient, csrf: Csrf
) -> None:
    walk = start(client, csrf)
    first = walk.question
    walk.post(answer="no")
    assert walk.question != first
    walk.post(action="back")
    assert walk.question == first
    assert re.search(r'value="no" checked', walk.html)


def test_back_from_the_first_question_leaves_the_interview(client: TestClient, csrf: Csrf) -> None:
    response = start(client, csrf).post(action="back")
    assert response.status_code == 303 and response.headers["location"] == "/assess"


def test_a_tampered_state_is_refused(client: TestClient, csrf: Csrf) -> None:
    walk = start(client, csrf)
    walk.html = walk.html.replace('name="state" value="', 'name="state" value="x')
    assert walk.post(answer="no").status_code == 400


def test_starting_from_the_diary_skips_what_it_knows(
    client: TestClient, diary: Diary, csrf: Csrf
) -> None:
    now = datetime.now()
    for back in range(20):
        diary.add_twitch("left_thigh", now - timedelta(days=back, hours=1), count=3)
        diary.save_checkin((now - timedelta(days=back)).date(), sleep_hours=7)
    intro = client.get("/assess").text
    assert "Start from your diary" in intro
    walk = start(client, csrf, from_diary="yes")
    asked = []
    for _ in range(40):
        asked.append(walk.question)
        if walk.post(answer=ANSWERS.get(walk.question, "no")).status_code == 303:
            break
        if walk.response is not None and walk.response.status_code == 422:
            break
    assert asked[0] == "breathing", "emergency questions are always asked"
    assert "duration_days" not in asked, "20 days in the diary already make it persistent"
    assert "sleep_hours" not in asked
    assert "sites" in asked, "one logged place cannot rule out twitching elsewhere"


def test_unknown_result_is_a_friendly_404(client: TestClient) -> None:
    assert client.get("/assess/result/12345").status_code == 404

"""The Report page, its PDF download and GET /api/v1/report.pdf."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient
from pypdf import PdfReader

from twitchwise.diary import Diary
from twitchwise.engine import Case, assess

TODAY = date.today()


@pytest.fixture
def filled(diary: Diary) -> Diary:
    diary.save_checkin(TODAY - timedelta(days=2), caffeine_mg=250.0, symptoms=["weakness"])
    diary.save_checkin(TODAY - timedelta(days=1), caffeine_mg=150.0)
    return diary


def pdf_pages(data: bytes) -> list[str]:
    return [p.extract_text() for p in PdfReader(io.BytesIO(data)).pages]


def test_the_report_page_shows_the_report_and_the_form(client: TestClient, filled: Diary) -> None:
    page = client.get("/report", params={"reason": "Calf <twitching>", "question": "EMG?"})
    assert page.status_code == 200
    html = page.text
    assert 'aria-current="page"' in html and 'href="/report"' in html
    assert '<article class="twr"' in html and "Red-flag screen" in html
    assert "Calf &lt;twitching&gt;" in html and "<twitching>" not in html
    assert 'formaction="/report.pdf"' in html and 'name="question"' in html
    assert '<link rel="stylesheet" href="/report.css">' in html
    css = client.get("/report.css")
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
    print_css = client.get("/static/report-page.css").text
    assert "@media print" in print_css and ".site-header" in print_css


def test_the_page_pdf_download(client: TestClient, filled: Diary) -> None:
    response = client.get("/report.pdf", params={"reason": "Twitching calves", "paper": "letter"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert "attachment" in response.headers["content-disposition"]
    pages = pdf_pages(response.content)
    assert len(pages) == 1 and "Twitching calves" in pages[0] and "REPORTED" in pages[0]


def test_bad_dates_on_the_page_name_the_field(client: TestClient) -> None:
    page = client.get("/report", params={"from": "2026-02-31"})
    assert page.status_code == 422
    assert "Enter a date as YYYY-MM-DD" in page.text and "twr" not in page.text.split("<main")[1]
    later = client.get("/report", params={"from": TODAY.isoformat(), "to": "2020-01-01"})
    assert later.status_code == 422 and "after the end of the period" in later.text
    assert client.get("/report.pdf", params={"to": "soon"}).status_code == 400


def test_the_api_returns_a_pdf(client: TestClient, filled: Diary) -> None:
    start = (TODAY - timedelta(days=13)).isoformat()
    response = client.get("/api/v1/report.pdf", params={"from": start, "appendix": "true"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    pages = pdf_pages(response.content)
    assert len(pages) >= 2 and "Appendix" in " ".join(pages)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"from": "2026-13-01"}, "from"),
        ({"to": "tomorrow"}, "to"),
        ({"from": TODAY.isoformat(), "to": (TODAY - timedelta(days=1)).isoformat()}, "from"),
        ({"to": (TODAY + timedelta(days=1)).isoformat()}, "to"),
        ({"paper": "a3"}, "paper"),
        ({"reason": "x" * 501}, "reason"),
    ],
)
def test_the_api_refuses_bad_input_with_problem_json(
    client: TestClient, params: dict[str, str], field: str
) -> None:
    response = client.get("/api/v1/report.pdf", params=params)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert [e["field"] for e in response.json()["errors"]] == [field]


def test_the_result_page_links_to_the_report(client: TestClient, diary: Diary) -> None:
    case = Case(sites=("left_calf",), duration_days=30.0)
    result = assess(case)
    assert result.triage != "self_care"
    record = diary.record_assessment(
        case.model_dump(mode="json"), result.model_dump(mode="json"), "web"
    )
    page = client.get(f"/assess/result/{record}")
    assert page.status_code == 200
    assert 'href="/report"' in page.text and "Bring your diary" in page.text

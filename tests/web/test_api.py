"""The JSON API: CRUD round trips, the assessment, CSV export, and problem+json for bad input."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

VIGNETTES = json.loads((Path(__file__).parents[1] / "data" / "vignettes.json").read_text("utf-8"))


def assert_problem(response, *fields: str, status: int = 422) -> dict:  # type: ignore[no-untyped-def, type-arg]
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status and body["title"] and body["detail"] and body["type"]
    named = {e["field"] for e in body["errors"]}
    for field in fields:
        assert field in named, f"{field} not named in {body['errors']}"
    return body  # type: ignore[no-any-return]


def test_health(client: TestClient) -> None:
    assert client.get("/api/v1/health").json() == {"status": "ok"}


def test_assess_returns_the_case_format_output(client: TestClient) -> None:
    case = {"sites": ["left_thigh"], "duration_days": 3, "factors": {"caffeine_mg_per_day": 600}}
    body = client.post("/api/v1/assess", json=case).json()
    assert body["triage"] == "self_care"
    assert "stimulants" in [c["id"] for c in body["contributors"]]
    assert all(item["source"] for item in body["plan"])


@pytest.mark.parametrize("vignette", VIGNETTES[:12], ids=lambda v: str(v["id"]))
def test_assess_meets_the_public_vignettes(client: TestClient, vignette: dict) -> None:  # type: ignore[type-arg]
    case = {k: v for k, v in vignette.items() if k not in {"id", "note", "expect"}}
    body = client.post("/api/v1/assess", json=case).json()
    assert body["triage"] in vignette["expect"]["triage"]


def test_an_emergency_case_is_emergency(client: TestClient) -> None:
    case = {"sites": ["left_thigh"], "duration_days": 1, "symptoms": ["breathing_difficulty"]}
    assert client.post("/api/v1/assess", json=case).json()["triage"] == "emergency"


@pytest.mark.parametrize(
    ("case", "field"),
    [
        (
            {"sites": ["left_thigh"], "duration_days": 1, "factors": {"sleep_hours": 30}},
            "factors.sleep_hours",
        ),
        ({"sites": ["knee"], "duration_days": 1}, "sites.0"),
        ({"sites": ["left_thigh"]}, "duration_days"),
        ({"sites": ["left_thigh"], "duration_days": 1, "colour": "red"}, "colour"),
        ({"sites": ["left_thigh"], "duration_days": 1, "age": "34"}, "age"),
        (
            {"sites": ["left_thigh"], "duration_days": 1, "symptoms": ["cramping", "cramping"]},
            "symptoms",
        ),
    ],
)
def test_assess_refuses_bad_cases_naming_the_field(
    client: TestClient,
    case: dict,
    field: str,  # type: ignore[type-arg]
) -> None:
    assert_problem(client.post("/api/v1/assess", json=case), field)


def test_malformed_json_is_a_problem_not_a_server_error(client: TestClient) -> None:
    headers = {"Content-Type": "application/json"}
    assert_problem(client.post("/api/v1/assess", content=b"{not json", headers=headers), "body")
    assert_problem(client.post("/api/v1/assess", content=b"\xff\xfe", headers=headers), "body")


def test_assess_records_only_when_asked(client: TestClient, diary) -> None:  # type: ignore[no-untyped-def]
    case = {"sites": ["left_thigh"], "duration_days": 2}
    client.post("/api/v1/assess", json=case)
    assert diary.list_assessments() == []
    client.post("/api/v1/assess?record=true", json=case)
    [record] = diary.list_assessments()
    assert record.origin == "api" and record.case["sites"] == ["left_thigh"]


def test_twitch_crud_round_trip(client: TestClient) -> None:
    new = {
        "time": "2026-03-02T17:50+01:00",
        "site": "left_thigh",
        "intensity": 3,
        "count": 4,
        "duration_s": 30,
        "note": "after the gym",
    }
    created = client.post("/api/v1/twitches", json=new)
    assert created.status_code == 201
    twitch = created.json()
    assert {k: twitch[k] for k in ("site", "intensity", "count", "duration_s", "note")} == {
        k: new[k] for k in ("site", "intensity", "count", "duration_s", "note")
    }
    assert twitch["time"].startswith("2026-03-02T17:50") and twitch["time"].endswith("+01:00")
    url = f"/api/v1/twitches/{twitch['id']}"
    assert client.get(url).json() == twitch
    patched = client.patch(url, json={"count": 9, "note": None}).json()
    assert patched["count"] == 9 and patched["note"] is None and patched["site"] == "left_thigh"
    listed = client.get("/api/v1/twitches?start=2026-03-01&end=2026-03-03").json()
    assert [t["id"] for t in listed] == [twitch["id"]]
    assert client.get("/api/v1/twitches?start=2026-03-03").json() == []
    assert client.delete(url).status_code == 204
    assert_problem(client.get(url), status=404)
    assert_problem(client.delete(url), status=404)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"site": "left_knee"}, "site"),
        ({"site": "left_thigh", "intensity": 6}, "intensity"),
        ({"site": "left_thigh", "count": 0}, "count"),
        ({"site": "left_thigh", "count": "3"}, "count"),
        ({"site": "left_thigh", "duration_s": False}, "duration_s"),
        ({"site": "left_thigh", "time": "2999-01-01T10:00"}, "time"),
        ({"site": "left_thigh", "time": "yesterday"}, "time"),
        ({"site": "left_thigh", "mood": "bad"}, "mood"),
    ],
)
def test_twitch_bad_input_names_the_field(
    client: TestClient,
    diary,
    body: dict,
    field: str,  # type: ignore[no-untyped-def, type-arg]
) -> None:
    assert_problem(client.post("/api/v1/twitches", json=body), field)
    assert diary.list_twitches() == []


def test_twitch_patch_bad_input_leaves_the_entry(client: TestClient) -> None:
    twitch = client.post("/api/v1/twitches", json={"site": "left_calf"}).json()
    url = f"/api/v1/twitches/{twitch['id']}"
    assert_problem(client.patch(url, json={"site": "elbow"}), "site")
    assert client.get(url).json()["site"] == "left_calf"
    assert_problem(client.get("/api/v1/twitches/0"), "twitch_id")


def test_checkin_crud_round_trip(client: TestClient) -> None:
    day = {
        "date": "2026-03-02",
        "sleep_hours": 6.5,
        "caffeine_mg": 190,
        "alcohol_drinks": 1,
        "water_litres": 1.5,
        "stress_level": 7,
        "exercise_minutes": 45,
        "hard_exercise": True,
        "symptoms": ["cramping"],
        "medications": ["Lasix 40 mg"],
        "notes": "long day",
    }
    saved = client.post("/api/v1/checkins", json=day)
    assert saved.status_code == 200
    assert saved.json() == day
    assert client.get("/api/v1/checkins/2026-03-02").json() == day
    replaced = client.put("/api/v1/checkins/2026-03-02", json={"sleep_hours": 8}).json()
    assert replaced["sleep_hours"] == 8 and replaced["caffeine_mg"] is None
    assert [c["date"] for c in client.get("/api/v1/checkins").json()] == ["2026-03-02"]
    assert client.delete("/api/v1/checkins/2026-03-02").status_code == 204
    assert_problem(client.get("/api/v1/checkins/2026-03-02"), status=404)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"date": "2026-03-02", "sleep_hours": 30}, "sleep_hours"),
        ({"date": "2026-03-02", "stress_level": -1}, "stress_level"),
        ({"date": "2026-03-02", "symptoms": ["hiccups"]}, "symptoms.0"),
        ({"date": "2026-02-30"}, "date"),
        ({"date": 0}, "date"),
        ({"date": "2999-01-01"}, "date"),
        ({"date": "2026-03-02", "medications": ["a;b"]}, "medications"),
    ],
)
def test_checkin_bad_input_names_the_field(
    client: TestClient,
    diary,
    body: dict,
    field: str,  # type: ignore[no-untyped-def, type-arg]
) -> None:
    assert_problem(client.post("/api/v1/checkins", json=body), field)
    assert diary.list_checkins() == []


def test_export_is_the_diary_csv(client: TestClient) -> None:
    client.post(
        "/api/v1/twitches",
        json={
            "site": "left_thigh",
            "time": "2026-03-02T17:50",
            "count": 3,
            "note": 'says "hi", twice',
        },
    )
    client.post(
        "/api/v1/checkins",
        json={"date": "2026-03-02", "sleep_hours": 6, "symptoms": ["cramping", "stiffness"]},
    )
    twitches = client.get("/api/v1/export/twitches.csv")
    assert twitches.headers["content-type"].startswith("text/csv")
    assert "attachment" in twitches.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(twitches.text)))
    assert rows == [
        {
            "time": "2026-03-02T17:50",
            "site": "left_thigh",
            "intensity": "",
            "count": "3",
            "duration_s": "",
            "note": 'says "hi", twice',
        }
    ]
    days = list(csv.DictReader(io.StringIO(client.get("/api/v1/export/days.csv").text)))
    assert days[0]["date"] == "2026-03-02" and days[0]["sleep_hours"] == "6"
    assert days[0]["symptoms"] == "cramping;stiffness" and days[0]["caffeine_mg"] == ""


def test_openapi_declares_problem_responses_and_models(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    assess = schema["paths"]["/api/v1/assess"]["post"]
    assert "application/problem+json" in assess["responses"]["422"]["content"]
    assert assess["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/Assessment"
    )
    assert "404" in schema["paths"]["/api/v1/twitches/{twitch_id}"]["get"]["responses"]
    assert not any(p.startswith(("/log", "/diary")) for p in schema["paths"])

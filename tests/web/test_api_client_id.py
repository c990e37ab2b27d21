"""POST /api/v1/twitches with a client_id: a retry after a lost answer stores the episode once."""

from __future__ import annotations

from fastapi.testclient import TestClient

from twitchwise.diary import Diary

BODY = {"site": "left_thigh", "time": "2026-03-02T08:00:00+01:00", "count": 3}


def test_a_retried_twitch_is_stored_once_and_answered_200(client: TestClient, diary: Diary) -> None:
    first = client.post("/api/v1/twitches", json={**BODY, "client_id": "phone-1:42"})
    assert first.status_code == 201, first.text
    again = client.post("/api/v1/twitches", json={**BODY, "client_id": "phone-1:42"})
    assert again.status_code == 200 and again.json() == first.json()
    other = client.post("/api/v1/twitches", json={**BODY, "client_id": "phone-1:43"})
    assert other.status_code == 201 and other.json()["id"] != first.json()["id"]
    plain = client.post("/api/v1/twitches", json=BODY)
    assert plain.status_code == 201
    assert len(diary.list_twitches()) == 3


def test_a_bad_client_id_is_refused_naming_the_field(client: TestClient, diary: Diary) -> None:
    for bad in ("has space", "", "x" * 65):
        response = client.post("/api/v1/twitches", json={**BODY, "client_id": bad})
        assert response.status_code == 422, bad
        assert response.json()["errors"][0]["field"].endswith("client_id")
    assert diary.list_twitches() == []


def test_the_reference_documents_the_replay(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    post = spec["paths"]["/api/v1/twitches"]["post"]
    assert {"200", "201"} <= set(post["responses"])
    assert "client_id" in spec["components"]["schemas"]["TwitchIn"]["properties"]

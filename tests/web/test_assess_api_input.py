"""POST /api/v1/assess refuses JSON that could hide an answer, naming the problem."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

HEADERS = {"Content-Type": "application/json"}


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b'{"sites": ["back"], "duration_days": 2, "symptoms": ["breathing_difficulty"], '
         b'"symptoms": []}', "the key 'symptoms' appears twice"),
        (b'{"sites": ["back"], "duration_days": NaN}', "NaN is not a number"),
        (b"[" * 100 + b"]" * 100, "nested more than 32 levels deep"),
    ],
)  # fmt: skip
def test_ambiguous_json_is_a_named_problem(client: TestClient, body: bytes, message: str) -> None:
    response = client.post("/api/v1/assess", content=body, headers=HEADERS)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert message in response.text


def test_the_output_reports_unrecognised_medicines(client: TestClient) -> None:
    case = {"sites": ["back"], "duration_days": 2, "medications": ["Lasix 40mg", "Zyxorol"]}
    body = client.post("/api/v1/assess", json=case).json()
    assert body["unrecognised_medications"] == ["Zyxorol"]
    assert body["triage"] == "doctor"


def test_the_second_version_keys_are_accepted(client: TestClient) -> None:
    case = {"sites": ["back"], "duration_days": 2, "age": 15, "weight_kg": 50,
            "conditions": ["kidney_disease"], "symptoms": ["falls", "tremor"]}  # fmt: skip
    body = client.post("/api/v1/assess", json=case).json()
    assert body["advice_for"] == "child"
    assert "falls" in body["red_flags"]

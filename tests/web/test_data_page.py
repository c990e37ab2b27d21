"""Your data page and the API: download everything, restore with confirmation, FHIR."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from datetime import datetime

from diary_sample import fill
from fastapi.testclient import TestClient

from twitchwise.backup import backup_bytes
from twitchwise.diary import Diary


def _post_restore(
    client: TestClient, csrf: Callable[[str], str], data: bytes, replace: bool = False
) -> tuple[int, str]:
    form = {"csrf_token": csrf("/data")}
    if replace:
        form["replace"] = "yes"
    response = client.post(
        "/data/restore", data=form, files={"backup": ("b.zip", data, "application/zip")}
    )
    return response.status_code, response.text


def test_api_backup_is_the_whole_diary(client: TestClient, diary: Diary) -> None:
    fill(diary)
    response = client.get("/api/v1/backup")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/zip"
    assert "attachment" in response.headers["content-disposition"]
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        manifest = json.loads(archive.read("manifest.json"))
    assert manifest["counts"]["twitches"] == 3 and manifest["counts"]["day_values"] == 5


def test_api_fhir_is_a_fhir_json_bundle(client: TestClient, diary: Diary) -> None:
    fill(diary)
    response = client.get("/api/v1/fhir")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/fhir+json")
    bundle = response.json()
    assert bundle["resourceType"] == "Bundle" and bundle["type"] == "collection"


def test_the_page_offers_download_restore_and_fhir(client: TestClient) -> None:
    page = client.get("/data")
    assert page.status_code == 200
    for needle in ('href="/api/v1/backup"', 'action="/data/restore"', 'href="/api/v1/fhir"'):
        assert needle in page.text
    assert 'href="/data" aria-current="page"' in page.text


def test_restore_into_an_empty_diary(
    client: TestClient, csrf: Callable[[str], str], diary: Diary
) -> None:
    with Diary.memory() as other:
        fill(other)
        data, _ = backup_bytes(other)
        expected = other.all_rows()
    status, text = _post_restore(client, csrf, data)
    assert status == 200 and "Restored." in text
    assert diary.all_rows() == expected


def test_restore_over_entries_needs_the_tick(
    client: TestClient, csrf: Callable[[str], str], diary: Diary
) -> None:
    with Diary.memory() as other:
        fill(other)
        data, _ = backup_bytes(other)
    diary.add_twitch("neck", datetime(2026, 4, 1, 9, 0))
    before = diary.all_rows()
    status, text = _post_restore(client, csrf, data)
    assert status == 409 and "tick the box" in text and "Nothing in your diary was changed" in text
    assert diary.all_rows() == before
    status, text = _post_restore(client, csrf, data, replace=True)
    assert status == 200 and len(diary.list_twitches()) == 3


def test_a_damaged_or_foreign_file_changes_nothing(
    client: TestClient, csrf: Callable[[str], str], diary: Diary
) -> None:
    diary.add_twitch("neck", datetime(2026, 4, 1, 9, 0))
    before = diary.all_rows()
    status, text = _post_restore(client, csrf, b"not a zip at all", replace=True)
    assert status == 422 and "not a zip file" in text
    assert diary.all_rows() == before


def test_restore_without_the_form_token_is_refused(client: TestClient, diary: Diary) -> None:
    response = client.post("/data/restore", files={"backup": ("b.zip", b"x", "application/zip")})
    assert response.status_code == 403


def test_api_day_values_csv_keeps_the_source(client: TestClient, diary: Diary) -> None:
    fill(diary)
    response = client.get("/api/v1/export/day_values.csv")
    assert response.status_code == 200
    lines = response.text.splitlines()
    assert lines[0] == "date,metric,value,source"
    assert "2026-03-02,steps,10001,other-app" in lines and len(lines) == 6


def test_api_fhir_carries_the_doctor_report_as_a_pdf_document(
    client: TestClient, diary: Diary
) -> None:
    fill(diary)
    pdfs = [
        e["resource"]
        for e in client.get("/api/v1/fhir").json()["entry"]
        if e["resource"]["resourceType"] == "DocumentReference"
        and e["resource"]["content"][0]["attachment"]["contentType"] == "application/pdf"
    ]
    assert len(pdfs) == 1
    bare = client.get("/api/v1/fhir", params={"report": "false"}).json()["entry"]
    assert all(e["resource"]["resourceType"] != "DocumentReference" or
               e["resource"]["content"][0]["attachment"]["contentType"] != "application/pdf"
               for e in bare)  # fmt: skip

"""The Import page recognises Health Connect, Fitbit and Garmin exports by content."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from pathlib import Path

from benchmark_scripts import benchmark_script
from fastapi.testclient import TestClient

from twitchwise.diary import Diary


def _health_connect_zip(tmp_path: Path) -> bytes:
    gen = benchmark_script("generate_health_connect")
    db = tmp_path / "health_connect_export.db"
    gen.write(gen.year(3), db, 18)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.write(db, db.name)
    return buf.getvalue()


def _post(client: TestClient, csrf: Callable[[str], str], name: str, data: bytes) -> str:
    response = client.post(
        "/import",
        data={"csrf_token": csrf("/import")},
        files={"export": (name, data, "application/zip")},
    )
    return response.text


def test_health_connect_upload_is_recognised_and_imported(
    client: TestClient, diary: Diary, csrf: Callable[[str], str], tmp_path: Path
) -> None:
    page = _post(client, csrf, "Health Connect.zip", _health_connect_zip(tmp_path))
    assert "Imported Health Connect.zip" in page and "Health Connect export" in page
    assert "Not used by the diary" in page and "heart_rate_record_table" in page
    sources = {source for source, _ in diary.list_day_values()}
    assert sources == {"health-connect"}


def test_fitbit_and_garmin_uploads_go_to_their_importers(
    client: TestClient, diary: Diary, csrf: Callable[[str], str]
) -> None:
    fitbit = io.BytesIO()
    with zipfile.ZipFile(fitbit, "w") as zf:
        water = [
            {"id": 1, "date": "03/01/24", "waterAmount": 500.0, "measurementUnit": "MILLILITER"}
        ]
        zf.writestr("Takeout/Fitbit/Global Export Data/water_logs-0.json", json.dumps(water))
    assert "Fitbit (Google Takeout) export" in _post(client, csrf, "takeout.zip", fitbit.getvalue())
    garmin = io.BytesIO()
    night = {"calendarDate": "2025-01-04", "deepSleepSeconds": 3600, "lightSleepSeconds": 18000}
    with zipfile.ZipFile(garmin, "w") as zf:
        zf.writestr("DI_CONNECT/DI-Connect-Wellness/a_b_1_sleepData.json", json.dumps([night]))
    page = _post(client, csrf, "garmin.zip", garmin.getvalue())
    assert "Garmin Connect export" in page
    assert {source for source, _ in diary.list_day_values()} == {"fitbit", "garmin"}


def test_an_unrecognised_zip_is_refused_with_the_kinds_it_knows(
    client: TestClient, diary: Diary, csrf: Callable[[str], str]
) -> None:
    other = io.BytesIO()
    with zipfile.ZipFile(other, "w") as zf:
        zf.writestr("photo.txt", "hello")
    page = _post(client, csrf, "photos.zip", other.getvalue())
    assert "Nothing was imported" in page and "not an export twitchwise recognises" in page
    assert "Health Connect" in page and "twitchwise-import-" not in page
    assert diary.list_day_values() == []

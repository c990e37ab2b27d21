"""`twitchwise export fhir FILE.json` through the CLI."""

from __future__ import annotations

import base64
import json
from pathlib import Path

from diary_sample import fill
from typer.testing import CliRunner

from twitchwise.cli import app
from twitchwise.diary import Diary

runner = CliRunner()


def test_export_fhir_writes_a_collection_bundle(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'd.db'}"
    with Diary.open(url) as diary:
        fill(diary)
    out = tmp_path / "bundle.json"
    result = runner.invoke(app, ["--db", url, "export", "fhir", str(out)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "FHIR R4 Bundle" in result.output and "2 QuestionnaireResponse" in result.output
    bundle = json.loads(out.read_text(encoding="utf-8"))
    assert bundle["resourceType"] == "Bundle" and bundle["type"] == "collection"
    kinds = [e["resource"]["resourceType"] for e in bundle["entry"]]
    assert kinds.count("QuestionnaireResponse") == 2


def test_export_fhir_into_a_missing_folder_is_one_clear_line(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'd.db'}"
    result = runner.invoke(
        app,
        ["--db", url, "export", "fhir", str(tmp_path / "no" / "b.json")],
        catch_exceptions=False,
    )
    assert result.exit_code == 2
    assert "FILE: cannot write" in result.output and "Traceback" not in result.output


def _report_documents(bundle: dict[str, object]) -> list[dict[str, object]]:
    entries = bundle["entry"]
    assert isinstance(entries, list)
    return [
        e["resource"]
        for e in entries
        if e["resource"]["resourceType"] == "DocumentReference"
        and e["resource"]["content"][0]["attachment"]["contentType"] == "application/pdf"
    ]


def test_export_fhir_carries_the_doctor_report_unless_told_not_to(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'd.db'}"
    with Diary.open(url) as diary:
        fill(diary)
    with_report, without = tmp_path / "with.json", tmp_path / "without.json"
    assert runner.invoke(app, ["--db", url, "export", "fhir", str(with_report)]).exit_code == 0
    args = ["--db", url, "export", "fhir", "--no-report", str(without)]
    assert runner.invoke(app, args).exit_code == 0
    (document,) = _report_documents(json.loads(with_report.read_text(encoding="utf-8")))
    data = document["content"][0]["attachment"]["data"]  # type: ignore[index]
    assert base64.b64decode(data).startswith(b"%PDF")
    assert "Report for the doctor" in document["content"][0]["attachment"]["title"]  # type: ignore[index]
    assert _report_documents(json.loads(without.read_text(encoding="utf-8"))) == []

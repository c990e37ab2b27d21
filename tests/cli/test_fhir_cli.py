"""`twitchwise export fhir FILE.json` through the CLI."""

from __future__ import annotations

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

"""`twitchwise report` against a real SQLite diary: PDF and HTML out, bad options exit 2."""

from __future__ import annotations

import io
from datetime import date, timedelta
from pathlib import Path

import pytest
from click.testing import Result
from pypdf import PdfReader
from typer.testing import CliRunner

from twitchwise.cli import app
from twitchwise.diary import Diary

runner = CliRunner()
TODAY = date.today()


@pytest.fixture
def url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    value = f"sqlite:///{tmp_path / 'diary.db'}"
    monkeypatch.setenv("TWITCHWISE_DB", value)
    with Diary.open(value) as diary:
        diary.save_checkin(TODAY - timedelta(days=1), caffeine_mg=300.0, symptoms=["cramping"])
    return value


def run(*args: str) -> Result:
    return runner.invoke(app, list(args))


def test_report_writes_a_one_page_pdf(url: str, tmp_path: Path) -> None:
    out = tmp_path / "r.pdf"
    result = run("report", "--out", str(out), "--reason", "Twitching calves",
                 "--question", "Is this benign?", "--paper", "letter")  # fmt: skip
    assert result.exit_code == 0, result.output
    reader = PdfReader(io.BytesIO(out.read_bytes()))
    text = reader.pages[0].extract_text()
    assert len(reader.pages) == 1 and reader.pages[0].mediabox.width == 612
    assert "Twitching calves" in text and "Is this benign?" in text
    assert "REPORTED" in text


def test_report_default_file_name(
    url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = run("report", "--from", (TODAY - timedelta(days=6)).isoformat(), "--to", "today")
    assert result.exit_code == 0, result.output
    assert (tmp_path / f"twitchwise-report-{TODAY.isoformat()}.pdf").exists()


def test_report_as_html_with_appendix(url: str, tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    result = run("report", "--out", str(out), "--appendix")
    assert result.exit_code == 0, result.output
    html = out.read_text("utf-8")
    assert html.startswith("<!doctype html>") and "Appendix: day by day" in html


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (("--from", "2026-02-30"), "--from"),
        (("--to", "yesterday"), "--to"),
        (("--from", TODAY.isoformat(), "--to", (TODAY - timedelta(days=3)).isoformat()), "--from"),
        (("--to", (TODAY + timedelta(days=2)).isoformat()), "--to"),
        (("--paper", "a3"), "--paper"),
        (("--out", "report.docx"), "--out"),
        (("--reason", "x" * 501), "--reason"),
    ],
)
def test_bad_options_exit_2_naming_the_option(
    url: str, tmp_path: Path, args: tuple[str, ...], named: str
) -> None:
    result = run("report", "--out", str(tmp_path / "r.pdf"), *args)
    assert result.exit_code == 2
    assert named in result.output
    assert "Traceback" not in result.output

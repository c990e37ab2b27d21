"""The doctor report end to end: a synthetic 120-day diary with an Apple Health import, an
assessment and an experiment, rendered to PDF and read back with pypdf."""

from __future__ import annotations

import io
import re
import subprocess
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader

from twitchwise.diary import Diary
from twitchwise.engine import Case, assess
from twitchwise.knowledge import load_knowledge
from twitchwise.report import Report, ReportError, build_report, render_html, render_pdf

from ._diaries import fill

TODAY = date.today()


def pdf_text(pdf: bytes) -> tuple[int, str]:
    """Page count and the text of every page, whitespace collapsed (columns wrap lines)."""
    reader = PdfReader(io.BytesIO(pdf))
    text = " ".join(page.extract_text() for page in reader.pages)
    return len(reader.pages), re.sub(r"\s+", " ", text)


@pytest.fixture(scope="module")
def full() -> tuple[Report, bytes]:
    with Diary.memory() as diary:
        fill(diary, TODAY, 120)
        report = build_report(
            diary, TODAY - timedelta(days=119), TODAY,
            reason="Calf twitching for four months", question="Do I need an EMG?",
        )  # fmt: skip
    return report, render_pdf(report)


def test_every_section_is_in_the_pdf(full: tuple[Report, bytes]) -> None:
    report, pdf = full
    pages, text = pdf_text(pdf)
    start = TODAY - timedelta(days=119)
    assert pages == 1
    for expected in (
        f"{start.day} {start:%b %Y} to {TODAY.day} {TODAY:%b %Y}",
        "Patient-generated, not a diagnosis",
        "Completeness: entries on",
        "Apple Health supplied sleep hours, steps on 120 days",
        "Reason for the visit: Calf twitching for four months",
        "Question for the doctor: Do I need an EMG?",
        "Red-flag screen",
        f"Latest triage: See a doctor ({TODAY.day} {TODAY:%b %Y})",
        "Timeline and burden",
        "Onset (first twitch in the diary)",
        "Twitches a week",
        "left calf:",
        "Painful cramps with the twitching",
        "Exposures",
        "Caffeine",
        "mg a day",
        "salbutamol inhaler",
        "Associations in the diary",
        "A link in the diary, not proof of cause",
        "Self-experiments (N-of-1)",
        "Cut caffeine: ABAB design",
        "Provenance",
    ):
        assert expected in text, expected
    assert "Appendix" not in text
    assert re.search(r"Sleep [\d.]+ hours a night \d+ Apple Health \d+", text)
    assert report.associations and len(report.associations) <= 3


def test_it_is_one_letter_page_too(full: tuple[Report, bytes]) -> None:
    report, _ = full
    pages, text = pdf_text(render_pdf(report, paper="letter"))
    assert pages == 1 and "Provenance" in text


def test_each_red_flag_is_reported_or_not_reported(full: tuple[Report, bytes]) -> None:
    report, pdf = full
    _, text = pdf_text(pdf)
    flags = load_knowledge().red_flags
    assert [f.id for f in report.flags] != [] and {f.id for f in report.flags} == {
        f.id for f in flags
    }
    for flag in flags:
        assert f"{flag.title}: REPORTED" in text or f"{flag.title}: not reported" in text, flag.id
    by_id = {f.id: f for f in report.flags}
    assert by_id["cramping"].status == "reported"
    assert by_id["cramping"].when is not None and by_id["cramping"].where == "diary"
    assert by_id["medication_suspected"].status == "reported"
    assert by_id["weakness"].status == "not_reported"
    first = [f.id for f in report.flags][:4]
    assert first == ["weakness", "muscle_wasting", "speech_changes", "swallowing_changes"]


def test_the_pdf_has_metadata_and_tags(full: tuple[Report, bytes]) -> None:
    _, pdf = full
    reader = PdfReader(io.BytesIO(pdf))
    assert reader.metadata is not None
    assert reader.metadata.title == f"twitchwise report {TODAY - timedelta(days=119)} to {TODAY}"
    assert "/StructTreeRoot" in reader.trailer["/Root"]
    fonts = [f.get_object() for f in reader.pages[0]["/Resources"]["/Font"].values()]
    assert fonts and all("DejaVu" in str(f["/BaseFont"]) for f in fonts)
    descriptors = [f["/DescendantFonts"][0].get_object()["/FontDescriptor"] for f in fonts]
    assert all("/FontFile2" in d or "/FontFile3" in d for d in descriptors)  # embedded


def test_the_appendix_adds_the_days_on_further_pages() -> None:
    with Diary.memory() as diary:
        fill(diary, TODAY, 40, extras=False)
        report = build_report(diary, TODAY - timedelta(days=39), TODAY, appendix=True)
    pages, text = pdf_text(render_pdf(report, paper="letter"))
    assert pages >= 2
    assert "Appendix: day by day" in text
    assert report.appendix is not None and TODAY.isoformat() in text
    assert PdfReader(io.BytesIO(render_pdf(report, "letter"))).pages[0].mediabox.width == 612


def test_an_empty_diary_gives_an_honest_short_report() -> None:
    with Diary.memory() as diary:
        report = build_report(diary)
    pages, text = pdf_text(render_pdf(report))
    assert pages == 1
    assert report.empty
    assert "Nothing recorded in this period" in text
    assert "No assessment recorded" in text
    assert all(f.status == "never_asked" for f in report.flags)
    assert "Not enough tracked days" in text and "None in this period" in text


def test_a_tiny_diary_gives_an_honest_short_report() -> None:
    with Diary.memory() as diary:
        diary.save_checkin(TODAY, sleep_hours=6.5, symptoms=["weakness"])
        diary.add_twitch("left_calf", datetime.combine(TODAY, datetime.min.time()).astimezone())
        report = build_report(diary)
    pages, text = pdf_text(render_pdf(report))
    assert pages == 1
    assert "1 twitch in 1 episode on 1 day" in text and "Not enough tracked days" in text
    weakness = next(f for f in report.flags if f.id == "weakness")
    assert weakness.status == "reported" and weakness.when == TODAY
    assert "Weakness in the limb: REPORTED" in text


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [
        (TODAY, TODAY - timedelta(days=1), "from"),
        (date(1990, 1, 1), TODAY, "from"),
        (None, TODAY + timedelta(days=1), "to"),
        # Found by schemathesis: the default start 90 days before 0001-01-01 overflowed (500).
        (None, date(1, 1, 1), "to"),
        (date(1, 1, 1), TODAY, "from"),
    ],
)
def test_bad_periods_name_the_option(start: date | None, end: date, field: str) -> None:
    with Diary.memory() as diary, pytest.raises(ReportError) as caught:
        build_report(diary, start, end)
    assert caught.value.field == field


def test_bad_paper_and_long_text_name_the_field() -> None:
    with Diary.memory() as diary:
        with pytest.raises(ReportError) as caught:
            build_report(diary, reason="x" * 501)
        assert caught.value.field == "reason"
        report = build_report(diary)
    with pytest.raises(ReportError) as paper:
        render_html(report, paper="a3")
    assert paper.value.field == "paper"


def test_an_interview_stopped_at_an_emergency_sign_did_not_ask_the_rest() -> None:
    """After an emergency stop only the emergency questions were asked: the other flags must
    read "never asked", not "not reported"."""
    case = Case(
        sites=("left_calf",), duration_days=1.0, symptoms=frozenset({"breathing_difficulty"})
    )
    told = case.model_dump(mode="json")
    for name in ("sites", "duration_days", "course"):
        told.pop(name)  # as Interview.told() leaves out what an emergency stop skipped
    with Diary.memory() as diary:
        diary.record_assessment(told, assess(case).model_dump(mode="json"), "web")
        report = build_report(diary)
    by_id = {f.id: f for f in report.flags}
    assert by_id["breathing_difficulty"].status == "reported"
    assert by_id["breathing_difficulty"].where == "assessment"
    assert by_id["sudden_speech_loss"].status == "not_reported"
    assert by_id["weakness"].status == "never_asked"
    assert report.triage is not None and report.triage.level == "emergency"


def test_a_complete_assessment_asks_every_symptom() -> None:
    case = Case(sites=("left_calf",), duration_days=3.0)
    with Diary.memory() as diary:
        diary.record_assessment(
            case.model_dump(mode="json"), assess(case).model_dump(mode="json"), "api"
        )
        report = build_report(diary)
    statuses = {f.id: f.status for f in report.flags}
    assert statuses["weakness"] == "not_reported" and statuses["worsening"] == "not_reported"
    assert "reported" not in statuses.values()


def test_the_first_page_renders_as_a_person_sees_it(
    full: tuple[Report, bytes], tmp_path: Path
) -> None:
    """pdftoppm draws page 1 as a picture: the bars of the weekly chart and the pink of a
    reported red flag are really on the page, not only in its text."""
    from PIL import Image

    _, pdf = full
    (tmp_path / "r.pdf").write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", "40", "-png", "-f", "1", "-l", "1", "-singlefile",
         str(tmp_path / "r.pdf"), str(tmp_path / "page")],
        check=True,
    )  # fmt: skip
    with Image.open(tmp_path / "page.png") as image:
        width, height = image.size
        colours = {c for _, c in image.convert("RGB").getcolors(width * height) or []}
    assert 0.70 < width / height < 0.71  # A4 portrait
    assert any(_near(c, (0x4A, 0x6F, 0xA5)) for c in colours), "no chart bars drawn"
    assert any(_near(c, (0xFD, 0xEC, 0xEA)) for c in colours), "no reported flag highlighted"


def _near(colour: tuple[int, int, int], target: tuple[int, int, int]) -> bool:
    return all(abs(a - b) <= 6 for a, b in zip(colour, target, strict=True))

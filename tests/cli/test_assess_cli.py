"""`twitchwise assess`: the interview through its input, batch JSON, and bad input."""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from twitchwise.cli import app
from twitchwise.diary import Diary

runner = CliRunner()


@pytest.fixture(autouse=True)
def diary_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """Every command here writes to a throwaway diary, never the user's."""
    url = f"sqlite:///{tmp_path / 'diary.db'}"
    monkeypatch.setenv("TWITCHWISE_DB", url)
    return url


CASE = {"sites": ["left_thigh"], "duration_days": 3, "factors": {"caffeine_mg_per_day": 500}}
CALM_INPUT = ["no", "no", "no", "no", "", "1", "5", "2", "4", "7", "4", "4", "none", "7", "5"]


def invoke(*args: str, stdin: str | None = None) -> object:
    return runner.invoke(app, list(args), input=stdin, catch_exceptions=False)


def test_interview_to_a_self_care_result() -> None:
    answers = [*CALM_INPUT, "5", "", "", "", "", "", "", ""]
    result = runner.invoke(app, ["assess"], input="\n".join(answers) + "\n")
    assert result.exit_code == 0, result.output
    assert result.output.index("struggling to breathe") < result.output.index("Where do you feel")
    assert "LOOK AFTER IT AT HOME" in result.output
    assert "Not enough sleep" in result.output
    assert result.output.count("not a diagnosis") == 1


def test_interview_result_is_kept_in_the_diary(diary_url: str) -> None:
    result = runner.invoke(app, ["assess"], input="no\nyes\n")
    assert result.exit_code == 0
    with Diary.open(diary_url) as diary:
        (record,) = diary.list_assessments()
    assert record.result["triage"] == "emergency"
    assert "sudden_one_sided_weakness" in record.case["symptoms"]
    assert "sites" not in record.case and "duration_days" not in record.case, "never asked"


def test_interview_stops_at_an_emergency() -> None:
    result = runner.invoke(app, ["assess"], input="yes\n")
    assert result.exit_code == 0
    assert "EMERGENCY" in result.output
    assert "Call your emergency number now" in result.output
    assert "Where do you feel" not in result.output


def test_interview_back_and_reprompt() -> None:
    result = runner.invoke(app, ["assess", "--json"], input="no\nback\npurple\nno\nyes\n")
    assert result.exit_code == 0, result.output
    assert "answer yes or no; if you are not sure, answer yes" in " ".join(result.output.split())
    payload = json.loads(result.output[result.output.index("{") :])
    assert payload["red_flags"] == ["sudden_one_sided_weakness"]


def test_interview_quit_saves_nothing() -> None:
    result = runner.invoke(app, ["assess"], input="no\nquit\n")
    assert result.exit_code == 1
    assert "Stopped" in result.output


def test_batch_object_from_file(tmp_path: Path) -> None:
    path = tmp_path / "case.json"
    path.write_text(json.dumps(CASE))
    result = runner.invoke(app, ["assess", "--case", str(path), "--json"])
    assert result.exit_code == 0
    out = json.loads(result.output)
    assert out["triage"] == "self_care"
    assert out["contributors"][0]["id"] == "stimulants"
    assert out["plan"][0]["id"] == "cut_caffeine"


def test_batch_list_from_stdin_keeps_order_and_ids() -> None:
    cases = [{"id": "a", **CASE}, {**CASE, "symptoms": ["breathing_difficulty"]}]
    result = runner.invoke(app, ["assess", "--case", "-", "--json"], input=json.dumps(cases))
    assert result.exit_code == 0
    out = json.loads(result.output)
    assert [o["triage"] for o in out] == ["self_care", "emergency"]
    assert out[0]["id"] == "a" and "id" not in out[1]


def test_batch_without_json_shows_the_same_result_as_the_interview() -> None:
    result = runner.invoke(app, ["assess", "--case", "-"], input=json.dumps(CASE))
    assert result.exit_code == 0
    assert "LOOK AFTER IT AT HOME" in result.output and "about 500 mg" in result.output


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ("{not json", "not valid JSON: line 1"),
        (json.dumps({**CASE, "colour": "red"}), "colour: Extra inputs are not permitted"),
        (json.dumps({**CASE, "sites": ["knee"]}), "sites.0"),
        (json.dumps({**CASE, "symptoms": ["twitchiness"]}), "symptoms"),
        (json.dumps({**CASE, "symptoms": ["cramping", "cramping"]}), "lists the same id twice"),
        (json.dumps({**CASE, "age": "34"}), "age: Input should be a valid integer"),
        (json.dumps({**CASE, "factors": {"sleep_hours": 30}}), "factors.sleep_hours"),
        (json.dumps({**CASE, "duration_days": -1}), "duration_days"),
        (json.dumps([CASE, {**CASE, "course": "sideways"}]), "case 2: course"),
        (json.dumps([CASE, 7]), "case 2: a case must be a JSON object"),
        (json.dumps({"duration_days": 3}), "sites: Field required"),
    ],
)
def test_bad_input_exits_2_naming_the_field(payload: str, message: str) -> None:
    result = runner.invoke(app, ["assess", "--case", "-", "--json"], input=payload)
    assert result.exit_code == 2
    assert message in " ".join(result.output.split())
    assert "Traceback" not in result.output


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["assess", "--case", str(tmp_path / "nope.json")])
    assert result.exit_code == 2
    assert "cannot read" in result.output


def _diary_with_three_weeks_of_twitching(url: str) -> None:
    today = date.today()
    with Diary.open(url) as diary:
        for back in range(20):
            day = today - timedelta(days=back)
            at = datetime.combine(day, time(9, 0)).astimezone()
            diary.add_twitch("left_thigh", at, count=3)
            diary.save_checkin(day, sleep_hours=5.0, caffeine_mg=150.0, stress_level=3.0)


def test_diary_assessment_asks_only_what_the_diary_cannot_answer(diary_url: str) -> None:
    _diary_with_three_weeks_of_twitching(diary_url)
    answers = ["no"] * 4 + ["", "1", "2", "4", "7", "4", "4", "none", "7", "5"] + [""] * 7
    result = runner.invoke(app, ["assess", "--diary", "--json"], input="\n".join(answers) + "\n")
    assert result.exit_code == 0, result.output
    assert "For how many days" not in result.output
    assert "How many hours do you usually sleep" not in result.output
    assert "Where do you feel" in result.output, "one logged place cannot rule out others"
    assert "struggling to breathe" in result.output
    payload = json.loads(result.stdout[result.stdout.index("{") :])
    assert payload["triage"] == "doctor"
    assert "persistent" in payload["red_flags"]
    assert any(
        r.startswith("Twitching for more than two weeks: ") for r in payload["diary_reasons"]
    )
    assert "sleep_deprivation" in [c["id"] for c in payload["contributors"]]
    with Diary.open(diary_url) as diary:
        assert diary.list_assessments()[0].origin == "cli-diary"


def test_diary_and_case_cannot_be_combined() -> None:
    result = runner.invoke(app, ["assess", "--diary", "--case", "-"], input="{}")
    assert result.exit_code == 2
    assert "cannot be combined" in result.output


def test_an_unusable_database_is_one_clear_line(tmp_path: Path) -> None:
    not_a_db = tmp_path / "notes.txt"
    not_a_db.write_text("these are my notes, not a database\n" * 50)
    result = runner.invoke(app, ["--db", f"sqlite:///{not_a_db}", "assess"], input="no\nyes\n")
    assert result.exit_code == 2
    assert "db" in result.output and "Traceback" not in result.output


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ('{"sites": ["back"], "duration_days": 2, "symptoms": ["breathing_difficulty"], '
         '"symptoms": []}', "the key 'symptoms' appears twice"),
        ("[" * 5000 + "]" * 5000, "nested more than 32 levels deep"),
        ('{"sites": ["back"], "duration_days": NaN}', "NaN is not a number"),
        ('{"sites": ["back"], "duration_days": 1, "medications": ["Lasix\\u202e"]}',
         "control or direction character"),
    ],
)  # fmt: skip
def test_dangerous_json_is_refused_with_its_own_message(payload: str, message: str) -> None:
    result = runner.invoke(app, ["assess", "--case", "-", "--json"], input=payload)
    assert result.exit_code == 2
    assert message in " ".join(result.output.split())
    assert "Traceback" not in result.output


def test_every_bad_case_in_a_list_is_reported() -> None:
    cases = [{**CASE, "course": "sideways"}, CASE, {**CASE, "duration_days": -1}, 7]
    result = runner.invoke(app, ["assess", "--case", "-"], input=json.dumps(cases))
    assert result.exit_code == 2
    out = " ".join(result.output.split())
    assert "case 1: course" in out and "case 3: duration_days" in out
    assert "case 4: a case must be a JSON object" in out


def test_typed_markup_is_shown_as_typed() -> None:
    case = {**CASE, "medications": ["Lasix [/] 40mg", "Ventolin [as needed]", "Zyxorol [b]"]}
    result = runner.invoke(app, ["assess", "--case", "-"], input=json.dumps(case))
    assert result.exit_code == 0, result.output
    out = " ".join(result.output.split())
    assert "Lasix [/] 40mg (furosemide)" in out
    assert "Ventolin [as needed] (salbutamol)" in out
    assert "Not recognised: Zyxorol [b]" in out


def test_quitting_early_prints_the_emergency_safety_line() -> None:
    result = runner.invoke(app, ["assess"], input="no\nquit\n")
    assert result.exit_code == 1
    assert "call your emergency number now" in " ".join(result.output.split())


def test_not_sure_to_an_emergency_question_is_treated_as_yes() -> None:
    result = runner.invoke(app, ["assess", "--json"], input="not sure\n")
    assert result.exit_code == 0
    payload = json.loads(result.output[result.output.index("{") :])
    assert payload["triage"] == "emergency"


def test_words_labels_and_back_as_a_place() -> None:
    answers = ["no"] * 4 + ["", "back, above my left knee", "5", "getting worse", "no", "no",
               "no", "no", "Lasix 40mg, Zyxorol", "no", "no"] + [""] * 9  # fmt: skip
    result = runner.invoke(app, ["assess", "--json"], input="\n".join(answers) + "\n")
    assert result.exit_code == 0, result.output
    out = " ".join(result.output.split())
    assert "understood Lasix 40mg (furosemide): a diuretic" in out
    assert "not recognised Zyxorol: check the leaflet or ask a pharmacist" in out
    payload = json.loads(result.stdout[result.stdout.index("{") :])
    assert {"widespread", "worsening", "medication_suspected"} <= set(payload["red_flags"])
    assert payload["unrecognised_medications"] == ["Zyxorol"]

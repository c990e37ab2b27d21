"""`twitchwise insights` and `twitchwise experiment ...` against a real SQLite diary."""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta
from pathlib import Path

import numpy as np
import pytest
from click.testing import Result
from typer.testing import CliRunner

from twitchwise.cli import app
from twitchwise.diary import Diary

runner = CliRunner()
START = date(2026, 1, 5)
KEYS = {
    "factor",
    "lag_days",
    "rate_ratio",
    "per",
    "ci_low",
    "ci_high",
    "p_adjusted",
    "significant",
    "n_days",
    "sentence",
}


@pytest.fixture
def url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    value = f"sqlite:///{tmp_path / 'diary.db'}"
    monkeypatch.setenv("TWITCHWISE_DB", value)
    return value


def run(*args: str) -> Result:
    return runner.invoke(app, list(args), catch_exceptions=False)


def refused(result: Result, field: str) -> None:
    assert result.exit_code == 2, result.output
    assert f"{field}:" in result.output
    assert "Traceback" not in result.output


def fill(url: str, days: int, *, start: date = START, b_days: set[date] | None = None) -> None:
    """Check-ins with caffeine, and twitch episodes that rise with caffeine (fewer on b_days)."""
    rng = np.random.default_rng(0)
    with Diary.open(url) as diary:
        for i in range(days):
            day = start + timedelta(days=i)
            caffeine = float(rng.choice([0, 95, 190, 285]))
            if b_days and day in b_days:
                caffeine = 0.0
            diary.save_checkin(
                day,
                caffeine_mg=caffeine,
                sleep_hours=float(rng.choice([6.0, 7.0, 8.0])),
                stress_level=int(rng.integers(0, 8)),
            )
            rate = 2.0 * 1.5 ** (caffeine / 100)
            for _ in range(int(rng.poisson(rate))):
                diary.add_twitch("left_thigh", datetime.combine(day, time(12, 0)), count=2)


def test_insights_json_has_the_documented_shape(url: str) -> None:
    fill(url, 60)
    result = run("insights", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert set(data) == {"tracked_days", "factors"}
    assert data["tracked_days"] == 60
    assert all(set(f) == KEYS for f in data["factors"])
    caffeine = next(
        f for f in data["factors"] if f["factor"] == "caffeine_mg" and f["lag_days"] == 0
    )
    assert caffeine["per"] == "100 mg caffeine"
    assert caffeine["rate_ratio"] > 1.0 and caffeine["significant"] is True
    water = next(f for f in data["factors"] if f["factor"] == "water_litres" and f["lag_days"] == 0)
    assert water["rate_ratio"] is None and water["n_days"] == 0


def test_insights_table_sentences_and_trend(url: str) -> None:
    fill(url, 60)
    result = run("insights")
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert "60 tracked days" in text
    assert "On days with 100 mg more caffeine" in text
    assert "Trend:" in text
    assert "Not enough data yet on fluids" in text
    assert "cause" not in text.lower()


def test_insights_on_an_empty_diary_explains_what_is_needed(url: str) -> None:
    result = run("insights")
    assert result.exit_code == 0
    assert "No tracked days yet" in result.output
    data = json.loads(run("insights", "--json").output)
    assert data["tracked_days"] == 0
    assert all(f["rate_ratio"] is None for f in data["factors"])


def test_experiment_start_status_report_end(url: str) -> None:
    result = run(
        "experiment", "start", "--factor", "caffeine", "--design", "ABAB",
        "--phase-days", "7", "--washout-days", "2", "--start", START.isoformat(),
        "--seed", "11", "--json",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    started = json.loads(result.output)
    plan = started["plan"]
    assert plan["seed"] == 11 and plan["washout_days"] == 2 and len(plan["phases"]) == 4
    with Diary.open(url) as diary:
        active = diary.active_experiment()
    assert active is not None and active[0] == started["id"] and active[1]["order"] == plan["order"]

    status = json.loads(run("experiment", "status", "--today", START.isoformat(), "--json").output)
    assert status["state"] == "running" and status["phase"] == 1
    assert status["condition"] == plan["phases"][0]["condition"]
    text = " ".join(run("experiment", "status", "--today", START.isoformat()).output.split())
    assert "day 1 of 7 in phase 1 of 4" in text
    after = " ".join(run("experiment", "status", "--today", "2026-06-01").output.split())
    assert f"See it with `twitchwise experiment report --id {started['id']}`" in after

    b_days = {
        date.fromisoformat(p["start"]) + timedelta(days=i)
        for p in plan["phases"]
        if p["condition"] == "B"
        for i in range(9)
    }
    total = (date.fromisoformat(plan["end"]) - START).days + 1
    fill(url, total, b_days=b_days)
    report = json.loads(run("experiment", "report", "--json").output)
    assert report["status"] == "estimated"
    assert report["rate_ratio"] < 1.0
    assert report["days_a"] == 14 and report["days_b"] == 14
    assert {c["item"] for c in report["checklist"]} >= {"Periods", "Washout", "Randomisation"}
    pretty = run("experiment", "report")
    assert "Reporting details (CENT 2015)" in pretty.output
    assert "fewer twitch episodes a day than during A" in " ".join(pretty.output.split())

    ended = run("experiment", "end")
    assert ended.exit_code == 0 and "Ended experiment" in ended.output
    refused(run("experiment", "status"), "experiment")
    again = json.loads(run("experiment", "report", "--id", str(started["id"]), "--json").output)
    assert again["rate_ratio"] == report["rate_ratio"]


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["experiment", "start", "--factor", "tea"], "factor"),
        (["experiment", "start", "--factor", "caffeine", "--design", "ABC"], "design"),
        (["experiment", "start", "--factor", "caffeine", "--design", "ABA"], "design"),
        (["experiment", "start", "--factor", "caffeine", "--phase-days", "1"], "phase_days"),
        (["experiment", "start", "--factor", "caffeine", "--washout-days", "99"], "washout_days"),
        (["experiment", "start", "--factor", "caffeine", "--start", "soon"], "start"),
        (["experiment", "status"], "experiment"),
        (["experiment", "status", "--today", "2026-13-01"], "today"),
        (["experiment", "report"], "experiment"),
        (["experiment", "report", "--id", "99"], "id"),
        (["experiment", "end", "--id", "99"], "id"),
    ],
)
def test_bad_input_is_refused_naming_the_field(url: str, args: list[str], field: str) -> None:
    refused(run(*args), field)
    with Diary.open(url) as diary:
        assert diary.list_experiments() == []


def test_only_one_experiment_runs_at_a_time(url: str) -> None:
    assert run("experiment", "start", "--factor", "alcohol").exit_code == 0
    refused(run("experiment", "start", "--factor", "sleep"), "experiment")
    with Diary.open(url) as diary:
        assert len(diary.list_experiments()) == 1


def test_experiment_start_says_what_the_design_can_show(url: str) -> None:
    fill(url, 60, start=START - timedelta(days=60))
    result = run(
        "experiment", "start", "--factor", "caffeine", "--design", "ABAB",
        "--start", START.isoformat(), "--seed", "3",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert "What this design can show:" in text and "tracked days" in text
    assert "this may be chance' whatever happens" in text
    data = json.loads(run("experiment", "report", "--json").output)
    assert data["settled"] is False


def test_experiment_start_can_taper_caffeine(url: str) -> None:
    result = run(
        "experiment", "start", "--factor", "caffeine", "--washout-days", "3", "--taper",
        "--start", START.isoformat(), "--json",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["plan"]["taper"] is True
    run("experiment", "end")
    refused(run("experiment", "start", "--factor", "alcohol", "--washout-days", "3", "--taper"),
            "taper")  # fmt: skip

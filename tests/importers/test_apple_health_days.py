"""What a record means for the diary: local days, units, sources, sleep nights, workouts."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from twitchwise.importers.apple_health import read_export

Q = "HKQuantityTypeIdentifier"
SLEEP = "HKCategoryTypeIdentifierSleepAnalysis"


def rec(
    kind: str,
    start: str,
    end: str | None = None,
    value: str = "1",
    unit: str | None = None,
    source: str = "Phone",
    tz: str | None = None,
) -> str:
    unit_attr = f' unit="{unit}"' if unit else ""
    head = (
        f' <Record type="{kind}" sourceName="{source}" sourceVersion="16.5"{unit_attr}'
        f' creationDate="{end or start}" startDate="{start}" endDate="{end or start}"'
        f' value="{value}"'
    )
    if tz:
        return f'{head}>\n  <MetadataEntry key="HKTimeZone" value="{tz}"/>\n </Record>\n'
    return head + "/>\n"


def asleep(start: str, end: str, source: str = "Watch", stage: str = "AsleepCore") -> str:
    return rec(SLEEP, start, end, f"HKCategoryValueSleepAnalysis{stage}", source=source)


def workout(start: str, end: str, minutes: float | None, source: str = "Watch") -> str:
    duration = f' duration="{minutes}" durationUnit="min"' if minutes is not None else ""
    return (
        f' <Workout workoutActivityType="HKWorkoutActivityTypeRunning"{duration}'
        f' sourceName="{source}" startDate="{start}" endDate="{end}"/>\n'
    )


def days(tmp_path: Path, *body: str) -> dict[tuple[str, str], float]:
    path = tmp_path / "export.xml"
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<HealthData locale="en_GB">\n'
        ' <ExportDate value="2024-06-01 08:00:00 +0100"/>\n' + "".join(body) + "</HealthData>\n",
        encoding="utf-8",
    )
    result = read_export(path)
    return {(v.day.isoformat(), v.metric): v.value for v in result.values}


def test_a_night_across_midnight_counts_for_the_morning_it_ends(tmp_path: Path) -> None:
    got = days(
        tmp_path,
        asleep("2024-03-01 23:10:00 +0100", "2024-03-02 01:00:00 +0100"),
        asleep("2024-03-02 01:30:00 +0100", "2024-03-02 06:40:00 +0100", stage="AsleepDeep"),
    )
    assert got == {("2024-03-02", "sleep_hours"): pytest.approx(1 + 50 / 60 + 5 + 10 / 60)}


def test_overlapping_sleep_from_two_sources_is_not_double_counted(tmp_path: Path) -> None:
    got = days(
        tmp_path,
        asleep("2024-03-01 23:00:00 +0100", "2024-03-02 07:00:00 +0100", "Watch"),
        asleep("2024-03-01 23:30:00 +0100", "2024-03-02 07:30:00 +0100", "AutoSleep", "Asleep"),
        asleep("2024-03-02 02:00:00 +0100", "2024-03-02 03:00:00 +0100", "Watch", "AsleepREM"),
    )
    assert got == {("2024-03-02", "sleep_hours"): pytest.approx(8.5)}


def test_in_bed_and_awake_are_not_sleep(tmp_path: Path) -> None:
    got = days(
        tmp_path,
        asleep("2024-03-01 22:00:00 +0100", "2024-03-02 07:00:00 +0100", stage="InBed"),
        asleep("2024-03-02 07:00:00 +0100", "2024-03-02 07:30:00 +0100", stage="Awake"),
        asleep("2024-03-01 23:00:00 +0100", "2024-03-02 05:00:00 +0100", stage="AsleepUnspecified"),
    )
    assert got == {("2024-03-02", "sleep_hours"): 6.0}


def test_an_afternoon_nap_is_a_separate_sleep_on_the_same_day(tmp_path: Path) -> None:
    got = days(
        tmp_path,
        asleep("2024-03-01 23:00:00 +0100", "2024-03-02 06:00:00 +0100"),
        asleep("2024-03-02 14:00:00 +0100", "2024-03-02 14:30:00 +0100"),
    )
    assert got == {("2024-03-02", "sleep_hours"): 7.5}


def test_each_record_offset_decides_its_day(tmp_path: Path) -> None:
    got = days(
        tmp_path,
        rec(f"{Q}DietaryCaffeine", "2024-03-01 23:30:00 -0500", value="80", unit="mg"),
        rec(f"{Q}DietaryCaffeine", "2024-03-02 00:30:00 +0100", value="60", unit="mg"),
    )
    assert got == {("2024-03-01", "caffeine_mg"): 80, ("2024-03-02", "caffeine_mg"): 60}


def test_hk_time_zone_metadata_moves_the_day(tmp_path: Path) -> None:
    # Written by a phone set to Paris, but drunk in New York at 20:30 local time.
    got = days(
        tmp_path,
        rec(
            f"{Q}DietaryCaffeine",
            "2024-03-02 02:30:00 +0100",
            value="95",
            unit="mg",
            tz="America/New_York",
        ),
    )
    assert got == {("2024-03-01", "caffeine_mg"): 95}


def test_water_units_are_converted_to_litres(tmp_path: Path) -> None:
    water = f"{Q}DietaryWater"
    got = days(
        tmp_path,
        rec(water, "2024-03-01 09:00:00 +0000", value="250", unit="mL"),
        rec(water, "2024-03-01 10:00:00 +0000", value="0.5", unit="L"),
        rec(water, "2024-03-01 11:00:00 +0000", value="16", unit="fl_oz_us"),
        rec(water, "2024-03-02 11:00:00 +0000", value="10", unit="fl_oz_imp"),
    )
    assert got[("2024-03-01", "water_litres")] == pytest.approx(
        0.25 + 0.5 + 16 * 0.0295735295625, abs=1e-6
    )
    assert got[("2024-03-02", "water_litres")] == pytest.approx(0.284130625, abs=1e-6)


def test_energy_in_kilojoules_becomes_kcal(tmp_path: Path) -> None:
    got = days(
        tmp_path,
        rec(f"{Q}ActiveEnergyBurned", "2024-03-01 09:00:00 +0000", value="418.4", unit="kJ"),
        rec(f"{Q}ActiveEnergyBurned", "2024-03-01 10:00:00 +0000", value="50", unit="kcal"),
    )
    assert got == {("2024-03-01", "active_energy_kcal"): pytest.approx(150)}


def test_steps_from_phone_and_watch_take_the_larger_source(tmp_path: Path) -> None:
    steps = f"{Q}StepCount"
    got = days(
        tmp_path,
        rec(steps, "2024-03-01 09:00:00 +0000", value="4000", unit="count", source="Phone"),
        rec(steps, "2024-03-01 12:00:00 +0000", value="1000", unit="count", source="Phone"),
        rec(steps, "2024-03-01 09:00:00 +0000", value="4500", unit="count", source="Watch"),
    )
    assert got == {("2024-03-01", "steps"): 5000}


def test_intake_from_several_apps_adds_up(tmp_path: Path) -> None:
    caffeine, alcohol = f"{Q}DietaryCaffeine", f"{Q}NumberOfAlcoholicBeverages"
    got = days(
        tmp_path,
        rec(caffeine, "2024-03-01 08:00:00 +0000", value="0.1", unit="g", source="A"),
        rec(caffeine, "2024-03-01 15:00:00 +0000", value="40", unit="mg", source="B"),
        rec(alcohol, "2024-03-01 20:00:00 +0000", value="2", unit="count", source="A"),
        rec(alcohol, "2024-03-01 21:00:00 +0000", value="1", unit="count", source="B"),
        rec(f"{Q}DietaryMagnesium", "2024-03-01 12:00:00 +0000", value="300", unit="mg"),
        rec(f"{Q}DietaryPotassium", "2024-03-01 12:00:00 +0000", value="1.2", unit="g"),
        rec(f"{Q}DietaryCalcium", "2024-03-01 12:00:00 +0000", value="500000", unit="mcg"),
    )
    assert got == {
        ("2024-03-01", "caffeine_mg"): 140,
        ("2024-03-01", "alcohol_drinks"): 3,
        ("2024-03-01", "magnesium_mg"): 300,
        ("2024-03-01", "potassium_mg"): 1200,
        ("2024-03-01", "calcium_mg"): 500,
    }


def test_hrv_and_resting_heart_rate_are_daily_means(tmp_path: Path) -> None:
    got = days(
        tmp_path,
        rec(f"{Q}HeartRateVariabilitySDNN", "2024-03-01 03:00:00 +0000", value="40", unit="ms"),
        rec(f"{Q}HeartRateVariabilitySDNN", "2024-03-01 09:00:00 +0000", value="60", unit="ms"),
        rec(f"{Q}RestingHeartRate", "2024-03-01 00:00:00 +0000", value="55", unit="count/min"),
    )
    assert got == {("2024-03-01", "hrv_sdnn_ms"): 50, ("2024-03-01", "resting_heart_rate_bpm"): 55}


def test_workouts_give_minutes_and_duplicates_count_once(tmp_path: Path) -> None:
    got = days(
        tmp_path,
        workout("2024-03-01 07:00:00 +0000", "2024-03-01 07:40:00 +0000", 38.5, "Watch"),
        workout("2024-03-01 07:01:00 +0000", "2024-03-01 07:41:00 +0000", 40, "Strava"),
        workout("2024-03-01 18:00:00 +0000", "2024-03-01 18:20:00 +0000", None),
        workout("2024-03-02 18:00:00 +0000", "2024-03-02 18:20:00 +0000", 0.25),
    )
    assert got == {
        ("2024-03-01", "exercise_minutes"): pytest.approx(41 + 20),
        ("2024-03-02", "exercise_minutes"): pytest.approx(0.25),
    }


def test_mindful_minutes_and_unused_types(tmp_path: Path) -> None:
    path_days = days(
        tmp_path,
        rec(
            "HKCategoryTypeIdentifierMindfulSession",
            "2024-03-01 08:00:00 +0000",
            "2024-03-01 08:12:30 +0000",
            "HKCategoryValueNotApplicable",
        ),
        rec(f"{Q}HeartRate", "2024-03-01 08:00:00 +0000", value="61", unit="count/min"),
    )
    assert path_days == {("2024-03-01", "mindful_minutes"): 12.5}


def test_days_without_records_are_unknown_not_zero(tmp_path: Path) -> None:
    got = days(
        tmp_path,
        rec(f"{Q}DietaryCaffeine", "2024-03-01 08:00:00 +0000", value="80", unit="mg"),
        rec(f"{Q}DietaryCaffeine", "2024-03-03 08:00:00 +0000", value="0", unit="mg"),
    )
    assert got == {("2024-03-01", "caffeine_mg"): 80, ("2024-03-03", "caffeine_mg"): 0}


def test_unreadable_records_are_counted_and_skipped(tmp_path: Path) -> None:
    path = tmp_path / "export.xml"
    caffeine = f"{Q}DietaryCaffeine"
    path.write_text(
        "<HealthData>\n"
        + rec(caffeine, "2024-03-01 08:00:00 +0000", value="80", unit="mg")
        + rec(caffeine, "2024-03-01 09:00:00 +0000", value="lots", unit="mg")
        + rec(caffeine, "2024-03-01 10:00:00 +0000", value="2", unit="cups")
        + rec(caffeine, "2024-03-01 11:00:00 +0000", value="-5", unit="mg")
        + rec(caffeine, "1850-03-01 11:00:00 +0000", value="5", unit="mg")
        + rec(caffeine, "2024-13-01 11:00:00 +0000", value="5", unit="mg")
        + "</HealthData>\n"
    )
    result = read_export(path)
    assert [(v.day, v.value) for v in result.values] == [(date(2024, 3, 1), 80)]
    assert result.summary.records_used == 1
    assert result.summary.ignored == {
        "DietaryCaffeine: value 'lots' is not a number": 1,
        "DietaryCaffeine: unknown unit 'cups'": 1,
        "DietaryCaffeine: negative value": 1,
        "DietaryCaffeine: date '1850-03-01 11:00:00 +0000' is out of range": 1,
        "DietaryCaffeine: unreadable date '2024-13-01 11:00:00 +0000'": 1,
    }


def test_records_inside_a_correlation_are_not_counted_twice(tmp_path: Path) -> None:
    inner = rec(f"{Q}DietaryCaffeine", "2024-03-01 08:00:00 +0000", value="80", unit="mg")
    got = days(
        tmp_path,
        inner,
        ' <Correlation type="HKCorrelationTypeIdentifierFood" sourceName="Phone"'
        ' startDate="2024-03-01 08:00:00 +0000" endDate="2024-03-01 08:00:00 +0000">\n'
        + inner
        + " </Correlation>\n",
    )
    assert got == {("2024-03-01", "caffeine_mg"): 80}

"""Every real export in tests/data/apple-health imports, with values checked by hand."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from benchmark_scripts import benchmark_script

from twitchwise.importers import DayValue, detect_importer, get_importer
from twitchwise.importers.apple_health import AppleHealthImporter, read_export
from twitchwise.importers.apple_health._days import DayBuilder
from twitchwise.importers.apple_health._reference import read_reference
from twitchwise.importers.apple_health._source import locate

DATA = Path(__file__).resolve().parent.parent / "data" / "apple-health"
K0RVENTEN = (
    "k0rventen-apple-health-grafana-test-export.zip",
    "k0rventen-apple-health-grafana-test-export-cn.zip",
    "k0rventen-apple-health-grafana-test-export3-broken-dtd.zip",
)
ALL = sorted(p.name for p in DATA.iterdir() if p.suffix in (".zip", ".xml"))


def by_key(values: list[DayValue]) -> dict[tuple[date, str], float]:
    return {(v.day, v.metric): v.value for v in values}


@pytest.mark.parametrize("name", ALL)
def test_every_fixture_imports_and_matches_the_reference_reader(name: str) -> None:
    result = read_export(DATA / name)
    export = locate(DATA / name)
    builder = DayBuilder()
    read_reference(export, export.chunks(), builder)
    assert result.values == builder.values()
    assert result.values, "every fixture has at least one usable day"
    assert result.summary.records_used == builder.used
    assert result.summary.days == len({v.day for v in result.values})


@pytest.mark.parametrize("name", K0RVENTEN)
def test_k0rventen_v13_export_sleep_hrv_steps_kj(name: str) -> None:
    result = read_export(DATA / name)
    got = by_key(result.values)
    # AsleepUnspecified on 2021-04-09: 02:27:34-02:28:34, 02:31:04-03:41:04, 03:42:34-07:01:04.
    assert got[date(2021, 4, 9), "sleep_hours"] == pytest.approx((60 + 4200 + 11910) / 3600)
    assert got[date(2021, 4, 10), "sleep_hours"] == pytest.approx((2700 + 16260) / 3600)
    # InBed records exist for 2021-01-01 but no asleep record: unknown, not zero.
    assert (date(2021, 1, 1), "sleep_hours") not in got
    assert got[date(2021, 11, 30), "steps"] == 8990
    assert got[date(2021, 12, 1), "steps"] == 11374
    assert got[date(2021, 11, 30), "active_energy_kcal"] == pytest.approx(1066.363356 / 4.184)
    assert got[date(2021, 1, 1), "hrv_sdnn_ms"] == pytest.approx(415.4628 / 5)
    assert got[date(2021, 1, 1), "resting_heart_rate_bpm"] == 45
    assert result.summary.metrics == {
        "sleep_hours": 24,
        "steps": 3,
        "active_energy_kcal": 1,
        "hrv_sdnn_ms": 91,
        "resting_heart_rate_bpm": 292,
    }
    assert "HKQuantityTypeIdentifierHeartRate" in result.summary.skipped_types
    assert "HKQuantityTypeIdentifierStepCount" not in result.summary.skipped_types


def test_the_three_k0rventen_zips_give_identical_days() -> None:
    first, *others = (read_export(DATA / name).values for name in K0RVENTEN)
    assert all(other == first for other in others)


def test_chinese_named_xml_is_found_by_content() -> None:
    export = locate(DATA / "k0rventen-apple-health-grafana-test-export-cn.zip")
    assert export.member == "apple_health_export/导出.xml"


def test_workout_routes_are_not_taken_for_the_export() -> None:
    export = locate(DATA / "k0rventen-apple-health-grafana-test-export.zip")
    assert export.member == "apple_health_export/export.xml"


def test_broken_dtd_export_is_read_past_its_header() -> None:
    export = locate(DATA / "k0rventen-apple-health-grafana-test-export3-broken-dtd.zip")
    assert export.body_line == 215


def test_alxdrcirilo_ios17_asleep_core_with_time_zone_and_mac_resource_forks() -> None:
    result = read_export(DATA / "alxdrcirilo-apple-health-parser-export.zip")
    assert locate(DATA / "alxdrcirilo-apple-health-parser-export.zip").member == (
        "apple_health_export/export.xml"
    )
    # AsleepCore 03:27:53-03:40:23 (+0200, Europe/Amsterdam); the InBed record is not sleep.
    assert result.values == [
        DayValue(date(2024, 1, 1), "sleep_hours", round(750 / 3600, 6)),
        DayValue(date(2024, 1, 1), "active_energy_kcal", 0.12),
        DayValue(date(2024, 1, 2), "active_energy_kcal", 0.08),
    ]


def test_grll_v14_export_autosleep_cal_units_correlation_workouts() -> None:
    result = read_export(DATA / "grll-apple-health-mcp-export.xml")
    assert by_key(result.values) == {
        (date(2020, 5, 27), "exercise_minutes"): pytest.approx(88.23378186623255),
        (date(2020, 5, 28), "exercise_minutes"): pytest.approx(28.81272718310356),
        (date(2020, 7, 8), "sleep_hours"): 7.25,
        (date(2023, 11, 20), "steps"): 690,
        (date(2023, 11, 20), "active_energy_kcal"): 45.3,
        (date(2023, 11, 20), "mindful_minutes"): 5,
        (date(2023, 11, 20), "hrv_sdnn_ms"): 45.3,
        (date(2023, 11, 20), "resting_heart_rate_bpm"): 52,
    }
    # The blood-pressure correlation's child records are not counted as top-level records.
    assert "HKQuantityTypeIdentifierBloodPressureSystolic" not in result.summary.skipped_types
    assert "HKQuantityTypeIdentifierBloodGlucose" in result.summary.skipped_types


def test_dogsheep_old_export_without_dtd_and_inline_route() -> None:
    result = read_export(DATA / "dogsheep-healthkit-to-sqlite-export.xml")
    assert result.values == [
        DayValue(date(2016, 11, 14), "exercise_minutes", round(5.19412346680959, 6))
    ]
    assert result.summary.skipped_types == [
        "HKQuantityTypeIdentifierBodyMassIndex",
        "HKQuantityTypeIdentifierHeartRate",
    ]


def test_progress_reaches_the_xml_size() -> None:
    seen: list[tuple[int, int | None]] = []
    read_export(DATA / K0RVENTEN[0], lambda done, total: seen.append((done, total)))
    assert seen[-1] == (3165257, 3165257)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)


def test_background_check_gives_the_same_result() -> None:
    inline = read_export(DATA / K0RVENTEN[0], parallel=False)
    seen: list[int] = []
    background = read_export(DATA / K0RVENTEN[0], lambda d, _t: seen.append(d), parallel=True)
    assert background.values == inline.values
    assert seen[-1] == 3165257


def test_importer_is_registered_and_detects_exports(tmp_path: Path) -> None:
    importer = get_importer("apple-health")
    assert isinstance(importer, AppleHealthImporter)
    assert importer.detect(DATA / K0RVENTEN[1])
    other = tmp_path / "notes.txt"
    other.write_text("hello")
    assert not importer.detect(other)
    assert detect_importer(DATA / "grll-apple-health-mcp-export.xml") is importer
    assert importer.read(DATA / "grll-apple-health-mcp-export.xml").summary.days == 4


def test_import_into_writes_everything_or_nothing(tmp_path: Path) -> None:
    from twitchwise.diary import Diary
    from twitchwise.importers import import_into
    from twitchwise.importers.apple_health import AppleHealthError

    importer = get_importer("apple-health")
    with Diary.memory() as diary:
        result, stats = import_into(diary, importer, DATA / "grll-apple-health-mcp-export.xml")
        assert stats.added == len(result.values) == 8
        stored = diary.list_day_values(source="apple-health")
        assert {(v.day, v.metric, v.value) for _src, v in stored} == set(result.values)
        broken = tmp_path / "export.xml"
        broken.write_bytes((DATA / "dogsheep-healthkit-to-sqlite-export.xml").read_bytes()[:-40])
        with pytest.raises(AppleHealthError):
            import_into(diary, importer, broken)
        assert diary.list_day_values(source="apple-health") == stored
        _, again = import_into(diary, importer, DATA / "grll-apple-health-mcp-export.xml")
        assert (again.added, again.updated, again.unchanged) == (0, 0, 8)


def test_benchmark_generator_writes_an_export_the_readers_agree_on(tmp_path: Path) -> None:
    module = benchmark_script("generate_apple_health")
    path = tmp_path / "export.xml"
    module.generate(path, 1.5)
    result = read_export(path)
    export = locate(path)
    reference = DayBuilder()
    read_reference(export, export.chunks(), reference)
    assert result.values == reference.values()
    assert {"sleep_hours", "caffeine_mg", "water_litres", "exercise_minutes", "steps"} <= set(
        result.summary.metrics
    )
    assert result.summary.skipped_types == [
        "HKQuantityTypeIdentifierBasalEnergyBurned",
        "HKQuantityTypeIdentifierDistanceWalkingRunning",
        "HKQuantityTypeIdentifierHeartRate",
    ]

"""Write a large, realistic Apple Health export (export.xml) for benchmarks.

The layout copies what iPhones write: the version-13 DTD, one ``Record`` start tag per line,
records grouped by type and sorted by date, a device string on watch samples, metadata children
on heart-rate samples, and workouts near the end. Most bytes are heart-rate, step and energy
samples, as in real exports; sleep stages, caffeine, water and workouts are sprinkled in.

Two shapes (``--shape``):

- ``mixed`` (the default): most records are of types the diary skips (heart rate, basal energy,
  distance), and each source's samples of a day come one after the other;
- ``watch``: an Apple Watch wearer's export, where the types the diary uses dominate (step and
  active-energy samples are about two thirds of the records, energy written every minute or so),
  the iPhone's and the Watch's step samples are interleaved in time order, and every heart-rate
  sample carries a ``MetadataEntry`` child. It is the harder case for a reader that skips unused
  types and adds up runs of one source's samples.

Usage: ``python benchmarks/generate_apple_health.py OUT.xml --size-mb 1024 [--shape watch]``.
It is deterministic (seeded), so two runs with the same size and shape write the same file.
"""

from __future__ import annotations

import argparse
import random
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

DTD = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE HealthData [
<!-- HealthKit Export Version: 13 -->
<!ELEMENT HealthData (ExportDate,Me,(Record|Correlation|Workout|ActivitySummary|ClinicalRecord)*)>
<!ATTLIST HealthData
  locale CDATA #REQUIRED
>
<!ELEMENT ExportDate EMPTY>
<!ATTLIST ExportDate
  value CDATA #REQUIRED
>
<!ELEMENT Me EMPTY>
<!ATTLIST Me
  HKCharacteristicTypeIdentifierDateOfBirth         CDATA #REQUIRED
  HKCharacteristicTypeIdentifierBiologicalSex       CDATA #REQUIRED
  HKCharacteristicTypeIdentifierBloodType           CDATA #REQUIRED
  HKCharacteristicTypeIdentifierFitzpatrickSkinType CDATA #REQUIRED
>
<!ELEMENT Record ((MetadataEntry|HeartRateVariabilityMetadataList)*)>
<!ATTLIST Record
  type          CDATA #REQUIRED
  unit          CDATA #IMPLIED
  value         CDATA #IMPLIED
  sourceName    CDATA #REQUIRED
  sourceVersion CDATA #IMPLIED
  device        CDATA #IMPLIED
  creationDate  CDATA #IMPLIED
  startDate     CDATA #REQUIRED
  endDate       CDATA #REQUIRED
>
<!ELEMENT Workout ((MetadataEntry|WorkoutEvent|WorkoutRoute|WorkoutStatistics)*)>
<!ATTLIST Workout
  workoutActivityType   CDATA #REQUIRED
  duration              CDATA #IMPLIED
  durationUnit          CDATA #IMPLIED
  totalDistance         CDATA #IMPLIED
  totalDistanceUnit     CDATA #IMPLIED
  totalEnergyBurned     CDATA #IMPLIED
  totalEnergyBurnedUnit CDATA #IMPLIED
  sourceName            CDATA #REQUIRED
  sourceVersion         CDATA #IMPLIED
  device                CDATA #IMPLIED
  creationDate          CDATA #IMPLIED
  startDate             CDATA #REQUIRED
  endDate               CDATA #REQUIRED
>
<!ELEMENT WorkoutEvent ((MetadataEntry)*)>
<!ATTLIST WorkoutEvent
  type                 CDATA #REQUIRED
  date                 CDATA #REQUIRED
  duration             CDATA #IMPLIED
  durationUnit         CDATA #IMPLIED
>
<!ELEMENT WorkoutRoute ((MetadataEntry|FileReference)*)>
<!ATTLIST WorkoutRoute
  sourceName    CDATA #REQUIRED
  sourceVersion CDATA #IMPLIED
  device        CDATA #IMPLIED
  creationDate  CDATA #IMPLIED
  startDate     CDATA #REQUIRED
  endDate       CDATA #REQUIRED
>
<!ELEMENT FileReference EMPTY>
<!ATTLIST FileReference
  path CDATA #REQUIRED
>
<!ELEMENT MetadataEntry EMPTY>
<!ATTLIST MetadataEntry
  key   CDATA #REQUIRED
  value CDATA #REQUIRED
>
<!ELEMENT HeartRateVariabilityMetadataList (InstantaneousBeatsPerMinute*)>
<!ELEMENT InstantaneousBeatsPerMinute EMPTY>
<!ATTLIST InstantaneousBeatsPerMinute
  bpm  CDATA #REQUIRED
  time CDATA #REQUIRED
>
]>
<HealthData locale="en_GB">
 <ExportDate value="{export}"/>
 {me}
"""
ME = (
    '<Me HKCharacteristicTypeIdentifierDateOfBirth="1988-03-14"'
    ' HKCharacteristicTypeIdentifierBiologicalSex="HKBiologicalSexFemale"'
    ' HKCharacteristicTypeIdentifierBloodType="HKBloodTypeNotSet"'
    ' HKCharacteristicTypeIdentifierFitzpatrickSkinType="HKFitzpatrickSkinTypeNotSet"/>'
)

WATCH = "Sam’s Apple Watch"
PHONE = "Sam’s iPhone"
WATCH_DEVICE = (
    "&lt;&lt;HKDevice: 0x2820d4f00&gt;, name:Apple Watch, manufacturer:Apple Inc., "
    "model:Watch, hardware:Watch6,2, software:9.5.2&gt;"
)
PHONE_DEVICE = (
    "&lt;&lt;HKDevice: 0x2820d5310&gt;, name:iPhone, manufacturer:Apple Inc., "
    "model:iPhone, hardware:iPhone14,5, software:16.5&gt;"
)
TZ = timezone(timedelta(hours=1))
START = datetime(2019, 1, 1, tzinfo=TZ)


def stamp(t: datetime) -> str:
    return t.strftime("%Y-%m-%d %H:%M:%S %z")


def record(
    kind: str,
    source: str,
    version: str,
    device: str | None,
    unit: str | None,
    start: datetime,
    end: datetime,
    value: str,
    children: str = "",
) -> str:
    dev = f' device="{device}"' if device else ""
    un = f' unit="{unit}"' if unit else ""
    head = (
        f' <Record type="{kind}" sourceName="{source}" sourceVersion="{version}"{dev}{un}'
        f' creationDate="{stamp(end + timedelta(seconds=41))}" startDate="{stamp(start)}"'
        f' endDate="{stamp(end)}" value="{value}"'
    )
    if children:
        return f"{head}>\n{children} </Record>\n"
    return f"{head}/>\n"


def meta(key: str, value: str) -> str:
    return f'  <MetadataEntry key="{key}" value="{value}"/>\n'


Day = Callable[[random.Random, datetime], Iterator[str]]


def heart_rate(rng: random.Random, day: datetime) -> Iterator[str]:
    t = day + timedelta(minutes=rng.randint(0, 4))
    while t.date() == day.date():
        ctx = meta("HKMetadataKeyHeartRateMotionContext", str(rng.choice((0, 0, 1, 2))))
        yield record(
            "HKQuantityTypeIdentifierHeartRate",
            WATCH,
            "9.5.2",
            WATCH_DEVICE,
            "count/min",
            t,
            t,
            str(rng.randint(48, 130)),
            ctx,
        )
        t += timedelta(minutes=rng.randint(3, 7), seconds=rng.randint(0, 59))


def steps(rng: random.Random, day: datetime, gap: tuple[int, int] = (1, 12)) -> Iterator[str]:
    for source, version, device in ((PHONE, "16.5", PHONE_DEVICE), (WATCH, "9.5.2", WATCH_DEVICE)):
        t = day + timedelta(hours=7, minutes=rng.randint(0, 30))
        while t.hour < 22 and t.date() == day.date():
            end = t + timedelta(minutes=rng.randint(2, 10) if gap[0] else rng.randint(1, 3))
            yield record(
                "HKQuantityTypeIdentifierStepCount",
                source,
                version,
                device,
                "count",
                t,
                end,
                str(rng.randint(10, 900)),
            )
            t = end + timedelta(minutes=rng.randint(*gap))


def energy(kind: str, gap_minutes: tuple[int, int] = (1, 6)) -> Day:
    def gen(rng: random.Random, day: datetime) -> Iterator[str]:
        t = day + timedelta(seconds=rng.randint(0, 120))
        while t.date() == day.date():
            end = t + timedelta(seconds=rng.randint(50, 70))
            yield record(
                kind,
                WATCH,
                "9.5.2",
                WATCH_DEVICE,
                "kcal",
                t,
                end,
                f"{rng.uniform(0.05, 9.0):.3f}",
            )
            t = end + timedelta(minutes=rng.randint(*gap_minutes), seconds=rng.randint(0, 20))

    return gen


def steps_interleaved(rng: random.Random, day: datetime) -> Iterator[str]:
    """Phone and Watch step samples of a day in time order, as an export sorted by date has them."""
    samples = list(steps(rng, day, gap=(0, 3)))
    samples.sort(key=lambda line: line[line.index('startDate="') :])
    yield from samples


def distance(rng: random.Random, day: datetime) -> Iterator[str]:
    t = day + timedelta(hours=7)
    while t.hour < 22 and t.date() == day.date():
        end = t + timedelta(minutes=rng.randint(2, 10))
        yield record(
            "HKQuantityTypeIdentifierDistanceWalkingRunning",
            WATCH,
            "9.5.2",
            WATCH_DEVICE,
            "km",
            t,
            end,
            f"{rng.uniform(0.01, 0.8):.4f}",
        )
        t = end + timedelta(minutes=rng.randint(3, 15))


def sleep(rng: random.Random, day: datetime) -> Iterator[str]:
    t = day - timedelta(hours=1, minutes=rng.randint(0, 90))
    tzm = meta("HKTimeZone", "Europe/London")
    yield record(
        "HKCategoryTypeIdentifierSleepAnalysis",
        PHONE,
        "16.5",
        None,
        None,
        t,
        t + timedelta(hours=8),
        "HKCategoryValueSleepAnalysisInBed",
        tzm,
    )
    end_of_night = t + timedelta(hours=7, minutes=rng.randint(0, 60))
    while t < end_of_night:
        stage = rng.choice(("AsleepCore", "AsleepCore", "AsleepDeep", "AsleepREM", "Awake"))
        end = t + timedelta(minutes=rng.randint(5, 45))
        yield record(
            "HKCategoryTypeIdentifierSleepAnalysis",
            WATCH,
            "9.5.2",
            WATCH_DEVICE,
            None,
            t,
            end,
            f"HKCategoryValueSleepAnalysis{stage}",
            tzm,
        )
        t = end


def drinks(kind: str, unit: str, low: float, high: float, per_day: int) -> Day:
    def gen(rng: random.Random, day: datetime) -> Iterator[str]:
        for _ in range(rng.randint(0, per_day)):
            t = day + timedelta(hours=rng.randint(7, 21), minutes=rng.randint(0, 59))
            yield record(
                kind,
                "WaterMinder",
                "5.2",
                None,
                unit,
                t,
                t,
                f"{rng.uniform(low, high):.1f}",
                meta("HKWasUserEntered", "1"),
            )

    return gen


def hrv(rng: random.Random, day: datetime) -> Iterator[str]:
    for hour in (3, 9, 15):
        t = day + timedelta(hours=hour, minutes=rng.randint(0, 50))
        beats = "".join(
            f'   <InstantaneousBeatsPerMinute bpm="{rng.randint(50, 80)}"'
            f' time="{hour}:03:{s:02d}.{rng.randint(0, 99):02d}"/>\n'
            for s in range(1, 6)
        )
        children = (
            f"  <HeartRateVariabilityMetadataList>\n{beats}  </HeartRateVariabilityMetadataList>\n"
        )
        yield record(
            "HKQuantityTypeIdentifierHeartRateVariabilitySDNN",
            WATCH,
            "9.5.2",
            WATCH_DEVICE,
            "ms",
            t,
            t + timedelta(minutes=1),
            f"{rng.uniform(20, 90):.3f}",
            children,
        )


def resting(rng: random.Random, day: datetime) -> Iterator[str]:
    yield record(
        "HKQuantityTypeIdentifierRestingHeartRate",
        WATCH,
        "9.5.2",
        WATCH_DEVICE,
        "count/min",
        day + timedelta(hours=6),
        day + timedelta(hours=23),
        str(rng.randint(50, 70)),
    )


def workouts(rng: random.Random, day: datetime) -> Iterator[str]:
    if rng.random() < 0.6:
        return
    t = day + timedelta(hours=rng.randint(6, 19), minutes=rng.randint(0, 59))
    minutes = rng.uniform(15, 75)
    end = t + timedelta(minutes=minutes)
    yield (
        f' <Workout workoutActivityType="HKWorkoutActivityTypeRunning" duration="{minutes:.6f}"'
        f' durationUnit="min" totalDistance="{minutes / 6:.4f}" totalDistanceUnit="km"'
        f' totalEnergyBurned="{minutes * 10:.2f}" totalEnergyBurnedUnit="kcal"'
        f' sourceName="{WATCH}" sourceVersion="9.5.2" device="{WATCH_DEVICE}"'
        f' creationDate="{stamp(end)}" startDate="{stamp(t)}" endDate="{stamp(end)}">\n'
        + meta("HKIndoorWorkout", "0")
        + meta("HKTimeZone", "Europe/London")
        + f'  <WorkoutStatistics type="HKQuantityTypeIdentifierHeartRate" startDate="{stamp(t)}"'
        f' endDate="{stamp(end)}" average="141" minimum="98" maximum="171" unit="count/min"/>\n'
        f'  <WorkoutRoute sourceName="{WATCH}" sourceVersion="9.5.2" creationDate="{stamp(end)}"'
        f' startDate="{stamp(t)}" endDate="{stamp(end)}">\n'
        + meta("HKMetadataKeySyncVersion", "2")
        + f'   <FileReference path="/workout-routes/route_{t:%Y-%m-%d_%H.%M}.gpx"/>\n'
        "  </WorkoutRoute>\n </Workout>\n"
    )


KINDS: tuple[Day, ...] = (
    heart_rate,
    steps,
    energy("HKQuantityTypeIdentifierActiveEnergyBurned"),
    energy("HKQuantityTypeIdentifierBasalEnergyBurned"),
    distance,
    hrv,
    resting,
    drinks("HKQuantityTypeIdentifierDietaryCaffeine", "mg", 40, 160, 4),
    drinks("HKQuantityTypeIdentifierDietaryWater", "mL", 150, 500, 8),
    sleep,
    workouts,
)
WATCH_KINDS: tuple[Day, ...] = (
    heart_rate,
    steps_interleaved,
    energy("HKQuantityTypeIdentifierActiveEnergyBurned", (0, 2)),
    energy("HKQuantityTypeIdentifierBasalEnergyBurned", (20, 40)),
    distance,
    hrv,
    resting,
    drinks("HKQuantityTypeIdentifierDietaryCaffeine", "mg", 40, 160, 4),
    drinks("HKQuantityTypeIdentifierDietaryWater", "mL", 150, 500, 8),
    sleep,
    workouts,
)
SHAPES = {"mixed": KINDS, "watch": WATCH_KINDS}


def generate(out: Path, size_mb: float, seed: int = 7, shape: str = "mixed") -> int:
    """Write an export of about `size_mb` MB (10^6 bytes) to `out`; return the bytes written."""
    kinds = SHAPES[shape]
    rng = random.Random(seed)
    sample = sum(len(s.encode()) for kind in kinds for s in kind(rng, START))
    days = max(1, round(size_mb * 1_000_000 / sample))
    export = START + timedelta(days=days + 1)
    written = 0
    with out.open("w", encoding="utf-8", newline="\n", buffering=1 << 20) as fh:
        written += fh.write(DTD.replace("{export}", stamp(export)).replace("{me}", ME))
        for kind in kinds:
            rng = random.Random(f"{seed}-{kind.__name__}")
            batch: list[str] = []
            for n in range(days):
                batch.extend(kind(rng, START + timedelta(days=n)))
                if len(batch) > 5000:
                    written += fh.write("".join(batch))
                    batch.clear()
            written += fh.write("".join(batch))
        written += fh.write("</HealthData>\n")
    return out.stat().st_size


def first_day() -> date:
    return START.astimezone(UTC).date()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--size-mb", type=float, default=1024.0)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--shape", choices=sorted(SHAPES), default="mixed")
    args = parser.parse_args()
    size = generate(args.out, args.size_mb, args.seed, args.shape)
    print(f"wrote {args.out} ({size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()

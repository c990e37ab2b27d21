"""Properties of the fast reader, checked on generated exports (hypothesis).

The fast scanner must find exactly what a plain XML parser finds (the lxml reference reader)
on any export, whatever its layout; and any truncation of a file must be refused.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from twitchwise.importers.apple_health import AppleHealthError, read_export
from twitchwise.importers.apple_health._days import DayBuilder
from twitchwise.importers.apple_health._reference import read_reference
from twitchwise.importers.apple_health._scan import scan
from twitchwise.importers.apple_health._source import locate

Q = "HKQuantityTypeIdentifier"
QUANTITY_UNITS = {
    f"{Q}StepCount": ["count"],
    f"{Q}ActiveEnergyBurned": ["kcal", "kJ", "Cal"],
    f"{Q}DietaryCaffeine": ["mg", "g"],
    f"{Q}DietaryWater": ["mL", "L", "fl_oz_us"],
    f"{Q}NumberOfAlcoholicBeverages": ["count"],
    f"{Q}DietaryMagnesium": ["mg"],
    f"{Q}HeartRateVariabilitySDNN": ["ms"],
    f"{Q}RestingHeartRate": ["count/min"],
    f"{Q}HeartRate": ["count/min"],
    f"{Q}BasalEnergyBurned": ["kcal"],
}
SLEEP_VALUES = ["InBed", "Awake", "AsleepCore", "AsleepDeep", "AsleepREM", "Asleep"]
SOURCES = [
    "Sam’s Apple Watch",
    "Sam's iPhone",
    "Fit &amp; Well",
    "Fit &#38; Well",  # the same name, spelled another way
    "AutoSleep",
    "Tab\tWatch",
]
ZONES = ["Europe/Paris", "America/New_York", "Asia/Tokyo", "Not/AZone"]
DEVICE = "&lt;&lt;HKDevice: 0x28&gt;, name:Apple Watch, model:Watch&gt;"

stamps = st.builds(
    lambda day, minute, offset: (
        f"2024-03-{day:02d} {minute // 60:02d}:{minute % 60:02d}:00 {offset}"
    ),
    st.integers(1, 4),
    st.integers(0, 24 * 60 - 1),
    st.sampled_from(["+0100", "+0000", "-0500", "+0530"]),
)
values = st.one_of(
    st.integers(0, 900).map(str),
    st.floats(0, 500, allow_nan=False).map(lambda v: f"{v:.3f}"),
    st.sampled_from(["abc", "-3", ""]),
    # what XML resolves, so the scanner must too: entities, and tabs and breaks (spaces)
    st.sampled_from(["&#49;2", "4&#10;", " 7", "2\t", "&#x33;.5", "1&amp;"]),
)


def escaped(text: str) -> str:
    """`text` with its first character written as a character reference (the same value)."""
    return f"&#{ord(text[0])};{text[1:]}" if text else text


@st.composite
def records(draw: st.DrawFn) -> str:
    kind = draw(st.sampled_from([*QUANTITY_UNITS, "sleep", "mindful", "workout"]))
    start, end = sorted([draw(stamps), draw(stamps)])
    if draw(st.integers(0, 19)) == 0:
        start = start.replace(" ", "&#32;", 1)  # the time after a reference to a space
    source = draw(st.sampled_from(SOURCES))
    children = []
    if draw(st.booleans()):
        children.append('<MetadataEntry key="HKWasUserEntered" value="1"/>')
    if draw(st.integers(0, 3)) == 0:
        children.append(f'<MetadataEntry key="HKTimeZone" value="{draw(st.sampled_from(ZONES))}"/>')
    device = f' device="{DEVICE}"' if draw(st.booleans()) else ""
    if kind == "workout":
        attrs = [
            ("workoutActivityType", "HKWorkoutActivityTypeRunning"),
            ("duration", draw(values)),
            ("durationUnit", draw(st.sampled_from(["min", "s", "hr"]))),
            ("sourceName", source),
            ("startDate", start),
            ("endDate", end),
        ]
        tag = "Workout"
    else:
        if kind == "sleep":
            kind = "HKCategoryTypeIdentifierSleepAnalysis"
            unit = None
            value = "HKCategoryValueSleepAnalysis" + draw(st.sampled_from(SLEEP_VALUES))
        elif kind == "mindful":
            kind, unit, value = "HKCategoryTypeIdentifierMindfulSession", None, "0"
        else:
            unit = draw(st.sampled_from([*QUANTITY_UNITS[kind], "bogus"]))
            if draw(st.integers(0, 9)) == 0:
                unit = escaped(unit)
            value = draw(values)
        attrs = [("type", kind), ("sourceName", source), ("sourceVersion", "9.5")]
        if unit is not None:
            attrs.append(("unit", unit))
        attrs += [("creationDate", end), ("startDate", start), ("endDate", end)]
        attrs.append(("value", value))
        tag = "Record"
    if draw(st.integers(0, 9)) == 0:
        attrs = draw(st.permutations(attrs))
    sep = draw(st.sampled_from([" ", " ", "\n        "]))
    text = sep.join(f'{k}="{v}"' for k, v in attrs)
    head = f"<{tag} {text}{device}"
    if not children:
        return head + draw(st.sampled_from(["/>", " />"]))
    inner = "".join(f"\n  {c}" for c in children)
    return f"{head}>{inner}\n </{tag}>"


@st.composite
def exports(draw: st.DrawFn) -> bytes:
    items = draw(st.lists(records(), max_size=25))
    if draw(st.integers(0, 4)) == 0 and items:
        at = draw(st.integers(0, len(items) - 1))
        items[at] = (
            '<Correlation type="HKCorrelationTypeIdentifierFood" sourceName="x"'
            ' startDate="2024-03-01 08:00:00 +0000" endDate="2024-03-01 08:00:00 +0000">\n  '
            + items[at]
            + "\n </Correlation>"
        )
    if draw(st.integers(0, 9)) == 0:
        items.insert(0, "<!-- a hand-edited comment -->")
    dtd = draw(
        st.sampled_from(
            [
                "",
                "<!DOCTYPE HealthData [\n<!ELEMENT HealthData (Record)*>\n]>\n",
                "<!DOCTYPE HealthData [\n<!ATTLIST Attachment\n  identifier CDATA #IMPLIED\n\n]>\n",
            ]
        )
    )
    body = "".join(f"\n {item}" for item in items)
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n{dtd}<HealthData locale="en_GB">\n'
        f' <ExportDate value="2024-06-01 08:00:00 +0100"/>{body}\n</HealthData>\n'
    ).encode()


def write(data: bytes) -> Path:
    fd, name = tempfile.mkstemp(suffix=".xml")
    with open(fd, "wb") as fh:
        fh.write(data)
    return Path(name)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(exports(), st.sampled_from([256, 4096, 1 << 20]))
def test_fast_reader_equals_the_reference_parse(data: bytes, chunk: int) -> None:
    path = write(data)
    try:
        result = read_export(path, parallel=False)
        export = locate(path)
        reference = DayBuilder()
        read_reference(export, export.chunks(), reference)
        assert result.values == reference.values()
        assert result.summary.records_used == reference.used
        assert result.summary.ignored == dict(reference.ignored.most_common())
        # Small chunks move the block boundaries around; the scan must not care.
        if b"<!--" not in data and b"\n        " not in data:
            scanned = DayBuilder()
            try:
                scan(export, export.chunks(size=chunk), scanned)
            except Exception as exc:  # only a layout the scanner hands over is acceptable
                assert type(exc).__name__ == "Unsupported"
            else:
                assert scanned.values() == reference.values()
    finally:
        path.unlink()


def test_one_source_spelled_two_ways_is_one_source() -> None:
    """Steps count from the source with the most; a name written with ``&amp;`` in some records
    and ``&#38;`` in others is one source, as XML reads it, not two smaller ones."""
    rows = [
        (source, value)
        for source, value in [("Phone", 900), ("Fit &amp; Well", 600), ("Fit &#38; Well", 500)]
        for _ in range(3)
    ]
    body = "".join(
        f'\n <Record type="{Q}StepCount" sourceName="{source}" unit="count"'
        f' startDate="2024-03-01 0{i}:00:00 +0000" endDate="2024-03-01 0{i}:05:00 +0000"'
        f' value="{value}"/>'
        for i, (source, value) in enumerate(rows)
    )
    path = write(
        f'<?xml version="1.0" encoding="UTF-8"?>\n<HealthData locale="en_GB">{body}\n'
        "</HealthData>\n".encode()
    )
    try:
        (steps,) = read_export(path, parallel=False).values
        assert steps.value == 3 * 1100
    finally:
        path.unlink()


@settings(max_examples=150, deadline=None)
@given(exports(), st.data())
def test_any_truncation_is_refused(data: bytes, draw: st.DataObject) -> None:
    end = data.rindex(b"</HealthData>") + len(b"</HealthData")
    cut = draw.draw(st.integers(0, end - 1))
    path = write(data[:cut])
    try:
        try:
            read_export(path, parallel=False)
        except AppleHealthError:
            pass
        else:
            raise AssertionError(f"a file cut at byte {cut} of {len(data)} was accepted")
    finally:
        path.unlink()


@settings(max_examples=60, deadline=None)
@given(exports(), st.data())
def test_a_dropped_closing_tag_is_refused(data: bytes, draw: st.DataObject) -> None:
    closers = [i for i in range(len(data)) if data.startswith(b"</", i)]
    at = draw.draw(st.sampled_from(closers))
    stop = data.index(b">", at) + 1
    path = write(data[:at] + data[stop:])
    try:
        try:
            read_export(path, parallel=False)
        except AppleHealthError:
            pass
        else:
            raise AssertionError("an export with an unclosed element was accepted")
    finally:
        path.unlink()


def test_a_correlation_split_anywhere_between_chunks_reads_the_same() -> None:
    """Found by the property test above: a chunk ending inside the name ``<Correl|ation`` left
    the Correlation's inner Record looking like the next top-level element, and a valid export
    was refused as "a Correlation element is not closed". Every cut point is tried here."""
    step = (
        '<Record type="HKQuantityTypeIdentifierStepCount" sourceName="Phone" unit="count"'
        ' startDate="2024-03-0{d} 08:00:00 +0000" endDate="2024-03-0{d} 08:10:00 +0000"'
        ' value="{v}"/>'
    )
    caffeine = (
        '<Record type="HKQuantityTypeIdentifierDietaryCaffeine" sourceName="x" unit="mg"'
        ' startDate="2024-03-01 08:00:00 +0000" endDate="2024-03-01 08:00:00 +0000" value="95">'
        '\n  <MetadataEntry key="HKWasUserEntered" value="1"/>\n </Record>'
    )
    correlation = (
        '<Correlation type="HKCorrelationTypeIdentifierFood" sourceName="x"'
        ' startDate="2024-03-01 08:00:00 +0000" endDate="2024-03-01 08:00:00 +0000">\n  '
        f"{caffeine}\n </Correlation>"
    )
    body = "".join(f"\n {item}" for item in [step.format(d=1, v=500), correlation])
    body += f"\n {step.format(d=2, v=700)}"
    data = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<HealthData locale="en_GB">\n'
        f' <ExportDate value="2024-06-01 08:00:00 +0100"/>{body}\n</HealthData>\n'
    ).encode()
    path = write(data)
    try:
        export = locate(path)
        reference = DayBuilder()
        read_reference(export, export.chunks(), reference)
        assert reference.values(), "the export holds values the diary uses"
        for size in range(16, len(data) + 1, 3):
            scanned = DayBuilder()
            scan(export, export.chunks(size=size), scanned)
            assert scanned.values() == reference.values(), size
    finally:
        path.unlink()

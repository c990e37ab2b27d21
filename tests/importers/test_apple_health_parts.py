"""Reading an export.xml in parts (one process per core) gives the one-reader answer or none.

A part is scanned and checked on its own (`_part.read_part`); the parts' builders are merged.
The properties that make this safe, checked on generated exports:

- cut at top-level element starts (as `cut_points` cuts), the parts of an export whose layout
  the scanner handles all succeed, and the merged days equal the lxml reference reader's
  wherever the cuts fall;
- cut anywhere at all (inside a tag, an attribute, a comment, a Correlation), the parts either
  give the reference's days or one of them fails, and `read_export` then reads the file the
  ordinary way: never a different answer;
- a damaged export (truncated, a closing tag dropped) always fails in some part, wherever it is
  cut, and `read_export` then gives the ordinary reader's message, line number included;
- a piece a worker is asked to end early (`Piece.shorten`, when another worker takes over the
  rest) ends at a top-level element start, and the two pieces give the reference's days; the
  worker processes' protocol (``stop``, ``cut``, ``take``, ``done``) does what `_part` says.
"""

from __future__ import annotations

import itertools
import queue
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_apple_health_properties import exports, write
from test_apple_health_shapes import generator

from twitchwise.importers.apple_health import AppleHealthError, _parts, read_export, start_early
from twitchwise.importers.apple_health._days import DayBuilder
from twitchwise.importers.apple_health._part import Piece, cut_points, read_part, root_tag
from twitchwise.importers.apple_health._parts import _Worker, read_in_parts
from twitchwise.importers.apple_health._reference import read_reference
from twitchwise.importers.apple_health._scan import Unsupported, first_start, scan
from twitchwise.importers.apple_health._source import ExportFile, locate


def reference(export: ExportFile) -> DayBuilder:
    builder = DayBuilder()
    read_reference(export, export.chunks(), builder)
    return builder


def in_parts(export: ExportFile, cuts: list[int]) -> DayBuilder | None:
    """What `read_in_parts` computes, in this process: None when some part fails."""
    merged = DayBuilder()
    try:
        root = root_tag(export)
    except Unsupported:
        return None
    for start, end in itertools.pairwise(cuts):
        try:
            merged.merge(read_part(export, start, end, root))
        except (AppleHealthError, Unsupported):
            return None
    return merged


def scans(export: ExportFile) -> bool:
    try:
        scan(export, export.chunks(), DayBuilder())
    except Unsupported:
        return False
    return True


def element_cuts(data: bytes, export: ExportFile, wanted: list[int]) -> list[int]:
    """Cuts as `cut_points` makes them: the first top-level element start at or after each."""
    cuts = [export.body_offset]
    for pos in sorted(wanted):
        at = first_start(data[max(pos, cuts[-1] + 1) :])
        if at >= 0:
            cuts.append(max(pos, cuts[-1] + 1) + at)
    return [*sorted(set(cuts)), len(data)]


positions = st.lists(st.floats(0, 1), min_size=1, max_size=4)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(exports(), positions)
def test_parts_cut_at_elements_equal_the_reference(data: bytes, where: list[float]) -> None:
    path = write(data)
    try:
        export = locate(path)
        wanted = [export.body_offset + int(f * (len(data) - export.body_offset)) for f in where]
        merged = in_parts(export, element_cuts(data, export, wanted))
        truth = reference(export)
        if scans(export):  # a layout the one-reader scan handles: so do the parts
            assert merged is not None
        if merged is not None:
            assert merged.values() == truth.values()
            assert merged.used == truth.used
            assert merged.ignored == truth.ignored
    finally:
        path.unlink()


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(exports(), positions)
def test_parts_cut_anywhere_never_give_another_answer(data: bytes, where: list[float]) -> None:
    path = write(data)
    try:
        export = locate(path)
        body = len(data) - export.body_offset
        cuts = sorted({export.body_offset + 1 + int(f * (body - 2)) for f in where})
        merged = in_parts(export, [export.body_offset, *cuts, len(data)])
        if merged is not None:
            assert merged.values() == reference(export).values()
    finally:
        path.unlink()


def damage(data: bytes, draw: st.DataObject) -> bytes:
    if draw.draw(st.booleans()):
        end = data.rindex(b"</HealthData>") + len(b"</HealthData")
        return data[: draw.draw(st.integers(data.index(b"<HealthData") + 12, end - 1))]
    closers = [i for i in range(len(data)) if data.startswith(b"</", i)]
    at = draw.draw(st.sampled_from(closers))
    return data[:at] + data[data.index(b">", at) + 1 :]


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(exports(), positions, st.data())
def test_a_damaged_export_fails_in_some_part(
    data: bytes, where: list[float], draw: st.DataObject
) -> None:
    path = write(damage(data, draw))
    try:
        export = locate(path)
        size = export.size
        body = size - export.body_offset
        cuts = sorted({export.body_offset + 1 + int(f * (body - 2)) for f in where})
        cuts = [c for c in cuts if export.body_offset < c < size]
        assert in_parts(export, [export.body_offset, *cuts, size]) is None
    finally:
        path.unlink()


def watch_shaped(factory: pytest.TempPathFactory, size_mb: float) -> Path:
    path = factory.mktemp("parts") / "export.xml"
    generator().generate(path, size_mb, shape="watch")
    return path


@pytest.fixture(scope="module")
def watch_export(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return watch_shaped(tmp_path_factory, 2.0)


@pytest.mark.parametrize("parts", [2, 3])
def test_worker_processes_give_the_one_reader_answer(watch_export: Path, parts: int) -> None:
    export = locate(watch_export)
    cuts = cut_points(export, parts)
    assert cuts is not None and len(cuts) == parts + 1
    seen: list[int] = []
    merged = read_in_parts(export, lambda done, _total: seen.append(done), parts=parts)
    assert merged is not None
    one = read_export(watch_export, parallel=False)
    assert merged.values() == one.values
    assert merged.used == one.summary.records_used
    assert read_export(watch_export, parallel=True).values == one.values
    assert seen == sorted(seen) and seen[-1] == export.size


def test_a_damaged_file_read_in_parts_gets_the_ordinary_message(
    watch_export: Path, tmp_path: Path
) -> None:
    data = watch_export.read_bytes()
    at = data.index(b"</Record>", len(data) * 3 // 4)
    path = tmp_path / "damaged.xml"
    path.write_bytes(data[:at] + data[at + len(b"</Record>") :])
    assert read_in_parts(locate(path), parts=2) is None
    with pytest.raises(AppleHealthError) as serial:
        read_export(path, parallel=False)
    with pytest.raises(AppleHealthError) as parts:
        read_export(path, parallel=True)
    assert str(parts.value) == str(serial.value)
    assert "line" in str(parts.value)


def test_a_cut_inside_a_comment_falls_back_to_the_same_answer(
    watch_export: Path, tmp_path: Path
) -> None:
    data = watch_export.read_bytes()
    start = data.index(b"<Record", len(data) // 2 - 8000)
    end = data.index(b"<Record", len(data) // 2 + 8000)
    # The records around the middle are commented out: the cut point lands inside the comment.
    path = tmp_path / "commented.xml"
    path.write_bytes(data[:start] + b"<!-- " + data[start:end] + b" -->" + data[end:])
    export = locate(path)
    assert read_in_parts(export, parts=2) is None
    assert read_export(path, parallel=True).values == read_export(path, parallel=False).values


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(exports(), st.floats(0, 1))
def test_a_piece_shortened_while_read_and_its_rest_equal_the_reference(
    data: bytes, where: float
) -> None:
    path = write(data)
    try:
        export = locate(path)
        if not scans(export):
            return
        root = root_tag(export)
        offset = export.body_offset + int(where * (len(data) - export.body_offset))
        ends: list[int | None] = []

        def ask(piece: Piece) -> None:
            if not ends:
                ends.append(piece.shorten(offset))

        builder = read_part(export, export.body_offset, len(data), root, poll=ask)
        (end,) = ends
        if end is not None:
            assert offset <= end < len(data)
            assert first_start(data[end:]) == 0  # a top-level element starts there
            read_part(export, end, len(data), root, builder=builder)
        truth = reference(export)
        assert builder.values() == truth.values()
        assert builder.used == truth.used
    finally:
        path.unlink()


def said(events: queue.Queue[tuple[_Worker, bytes]]) -> bytes:
    return events.get(timeout=60)[1]


def test_a_worker_process_hands_over_the_rest_of_its_piece(watch_export: Path) -> None:
    export = locate(watch_export)
    data = watch_export.read_bytes()
    middle = (export.body_offset + export.size) // 2
    events: queue.Queue[tuple[_Worker, bytes]] = queue.Queue()
    worker = _Worker(export.path, 0, 1, events)  # the one part: the whole body
    try:
        worker.send(b"stop %d" % middle)  # arrives before the first block is read
        reply = said(events)
        assert reply.startswith(b"cut ")
        cut = int(reply.split()[1])
        assert middle <= cut < export.size and first_start(data[cut:]) == 0
        assert said(events) == b"idle"
        assert worker.part == (export.body_offset, export.size)
        assert worker.done == cut - export.body_offset  # it stopped at the cut
        worker.take(cut, export.size)  # here the same worker takes the rest
        assert said(events) == b"idle"
        worker.send(b"stop %d" % middle)  # too late: its piece is finished
        assert said(events) == b"cut none"
        worker.finish()
        assert said(events) == b"ok"
        assert worker.builder is not None
        assert worker.builder.values() == read_export(watch_export, parallel=False).values
    finally:
        worker.stop()


@pytest.fixture(scope="module")
def larger_export(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Parts of several blocks (`_part.BLOCK`), so that a worker can stop inside its part."""
    return watch_shaped(tmp_path_factory, 12.0)


def test_workers_that_keep_handing_over_give_the_one_reader_answer(
    larger_export: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With no lower limit, every idle worker takes half of what another has left, again and
    again: many pieces, cut wherever the workers happen to be, and still the same days."""
    monkeypatch.setattr(_parts, "STEAL_FROM", 1)
    handed: list[bytes] = []
    original = _parts._Crew._handed_over

    def count(crew: _parts._Crew, worker: _Worker, end: bytes) -> None:
        handed.append(end)
        original(crew, worker, end)

    monkeypatch.setattr(_parts._Crew, "_handed_over", count)
    one = read_export(larger_export, parallel=False)
    for _attempt in range(5):  # workers that happen to end together hand nothing over
        merged = read_in_parts(locate(larger_export), parts=3)
        assert merged is not None
        assert merged.values() == one.values
        assert merged.used == one.summary.records_used
        if any(end != b"none" for end in handed):
            break
    assert any(end != b"none" for end in handed)


@pytest.fixture
def early_parts(monkeypatch: pytest.MonkeyPatch) -> None:
    """`start_early` for the small test exports: two parts, from any size."""
    monkeypatch.setattr(_parts, "PARTS_FROM", 0)
    monkeypatch.setattr(_parts, "part_count", lambda: 2)


def test_workers_started_early_are_the_ones_that_read(
    watch_export: Path, early_parts: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    start_early(watch_export)
    assert len(_parts._EARLY) == 1
    launched: list[int] = []
    original = _parts._launch
    monkeypatch.setattr(_parts, "_launch", lambda *a: launched.append(1) or original(*a))
    merged = read_in_parts(locate(watch_export))
    assert merged is not None and launched == [] and not _parts._EARLY
    assert merged.values() == read_export(watch_export, parallel=False).values


def test_workers_started_early_for_another_file_are_stopped_not_taken(
    watch_export: Path, tmp_path: Path, early_parts: None
) -> None:
    other = tmp_path / "other.xml"
    other.write_bytes(watch_export.read_bytes())
    start_early(other)
    ((workers, _events),) = _parts._EARLY.values()
    merged = read_in_parts(locate(watch_export))
    assert merged is not None and not _parts._EARLY
    assert all(w._proc.poll() is not None for w in workers)


def test_workers_started_early_for_a_file_changed_since_are_not_taken(
    watch_export: Path, tmp_path: Path, early_parts: None
) -> None:
    path = tmp_path / "export.xml"
    data = watch_export.read_bytes()
    path.write_bytes(data)
    start_early(path)
    cut = data.rindex(b"<Record")
    path.write_bytes(data[:cut] + b"</HealthData>\n")  # the last record is gone
    merged = read_in_parts(locate(path))
    assert merged is not None
    assert merged.values() == read_export(path, parallel=False).values


def test_workers_nobody_takes_are_stopped_at_exit(watch_export: Path, early_parts: None) -> None:
    start_early(watch_export)
    ((workers, _events),) = _parts._EARLY.values()
    _parts._stop_early()  # what atexit calls
    assert not _parts._EARLY
    assert all(w._proc.poll() is not None for w in workers)


@pytest.mark.parametrize("size", [0, 100])
def test_no_early_start_for_a_zip_a_folder_a_missing_or_small_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, size: int
) -> None:
    monkeypatch.setattr(_parts, "part_count", lambda: 2)
    monkeypatch.setattr(_parts, "PARTS_FROM", size)
    zipped = tmp_path / "export.zip"
    zipped.write_bytes(b"PK\x03\x04" + b"\0" * 200)
    small = tmp_path / "small.xml"
    small.write_bytes(b"<HealthData/>")
    for path in (zipped, tmp_path, tmp_path / "missing.xml", small if size else None):
        if path is not None:
            start_early(path)
    assert not _parts._EARLY


def test_parts_that_do_not_cover_the_body_end_to_end_are_refused() -> None:
    export = ExportFile(Path("export.xml"), None, 1000, 100, 3)
    assert _parts._tiled(export, [(100, 600), (600, 1000)])
    assert not _parts._tiled(export, [(100, 600), (601, 1000)])  # a gap
    assert not _parts._tiled(export, [(100, 600), (590, 1000)])  # an overlap
    assert not _parts._tiled(export, [(100, 600), (600, 990)])  # short of the end
    assert not _parts._tiled(export, [(0, 600), (600, 1000)])  # the prolog too
    assert not _parts._tiled(export, [(100, 600), None])  # a worker that never said

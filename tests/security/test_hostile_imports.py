"""Hostile Apple Health files (issue 10, items 4 and 6): zip bombs, giant elements and bad
character references end in one clear error, with memory that stays flat.

Zip bombs are made here at run time (never committed). Memory is measured in a child process:
its peak RSS growth while reading must stay far below the size of what it was fed.
"""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from twitchwise.importers.apple_health import read_export
from twitchwise.importers.apple_health._source import MAX_RUN, AppleHealthError

HOSTILE = Path(__file__).parents[1] / "data" / "hostile"
MiB = 1 << 20
HEAD = b'<?xml version="1.0" encoding="UTF-8"?>\n<HealthData locale="en_US">\n'
RECORD = (
    b' <Record type="HKQuantityTypeIdentifierDietaryCaffeine" sourceName="Phone" unit="mg" '
    b'startDate="2026-03-01 08:00:00 +0100" endDate="2026-03-01 08:00:00 +0100" value="95"/>\n'
)

MEASURE = """
import json, resource, sys
from twitchwise.importers.apple_health import read_export
from twitchwise.importers import ImporterError
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
try:
    read_export(sys.argv[1], parallel=sys.argv[2] == "1")
    error = None
except ImporterError as exc:
    error = str(exc)
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"grew_mib": (after - before) / 1024, "error": error}))
"""


def read_in_child(path: Path, parallel: bool = False) -> tuple[float, str | None]:
    """Peak RSS growth (MiB) of a child reading `path`, and the error it reported."""
    done = subprocess.run(
        [sys.executable, "-c", MEASURE, str(path), "1" if parallel else "0"],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    found = json.loads(done.stdout.strip().splitlines()[-1])
    return float(found["grew_mib"]), found["error"]


def _write_repeated(out: object, block: bytes, total: int) -> None:
    write = out.write  # type: ignore[attr-defined]
    for _ in range(total // len(block)):
        write(block)


def test_a_whitespace_zip_bomb_is_refused_before_it_is_inflated(tmp_path: Path) -> None:
    """Before: a 4 MB zip of 4 GiB of whitespace ran for minutes and took 5 GB."""
    bomb = tmp_path / "export.zip"
    with (
        zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf,
        zf.open("apple_health_export/export.xml", "w", force_zip64=True) as out,
    ):
        out.write(HEAD)
        _write_repeated(out, b" " * MiB, 256 * MiB)
        out.write(b"</HealthData>\n")
    assert bomb.stat().st_size < 2 * MiB
    grew, error = read_in_child(bomb)
    assert error is not None and "zip bomb" in error and "export.zip" in error
    assert grew < 64


def test_a_giant_attribute_is_refused_with_flat_memory(tmp_path: Path) -> None:
    """Before: one 1 GiB attribute took 3.2 GB. Here 160 MiB in one attribute, in a plain
    file (a zip of it would already be refused for its ratio)."""
    xml = tmp_path / "export.xml"
    with xml.open("wb") as out:
        out.write(HEAD + RECORD + b' <Record type="HKQuantityTypeIdentifierStepCount" value="')
        _write_repeated(out, b"a" * MiB, 160 * MiB)
        out.write(b'"/>\n</HealthData>\n')
    for parallel in (False, True):
        grew, error = read_in_child(xml, parallel)
        assert error is not None and f"more than {MAX_RUN >> 20} MiB without markup" in error
        assert grew < 100, f"memory grew {grew:.0f} MiB for a 160 MiB attribute"


def test_endless_small_elements_outside_records_keep_memory_flat(tmp_path: Path) -> None:
    """Markup the scanner skips (no Record, Workout or Correlation) is not carried over whole."""
    xml = tmp_path / "export.xml"
    with xml.open("wb") as out:
        out.write(HEAD + RECORD)
        _write_repeated(out, b"<Other/>" * (MiB // 8), 96 * MiB)
        out.write(b"</HealthData>\n")
    grew, error = read_in_child(xml)
    assert error is not None and "larger than" in error
    assert grew < 80


@pytest.mark.parametrize("name", ["charref-beyond-unicode.xml", "charref-huge.xml"])
@pytest.mark.parametrize("parallel", [False, True])
def test_an_impossible_character_reference_is_a_clear_error(name: str, parallel: bool) -> None:
    """Before: ValueError or OverflowError from the fast scanner (files over 48 MB)."""
    with pytest.raises(AppleHealthError, match="damaged or incomplete"):
        read_export(HOSTILE / name, parallel=parallel)


def test_a_normal_export_still_reads() -> None:
    result = read_export(HOSTILE.parent / "apple-health" / "grll-apple-health-mcp-export.xml")
    assert result.values


def test_a_zip_of_countless_tiny_files_is_refused_from_its_end_record(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """zipfile reads the whole directory into memory first: millions of entries would exhaust
    it before any other check. The cap is checked from the end record alone."""
    from twitchwise.importers.apple_health import _source

    monkeypatch.setattr(_source, "MAX_MEMBERS", 10)
    crowded = tmp_path / "export.zip"
    with zipfile.ZipFile(crowded, "w") as zf:
        for i in range(11):
            zf.writestr(f"f{i}", b"")
    with pytest.raises(AppleHealthError, match="holds 11 files, more than the 10"):
        read_export(crowded)

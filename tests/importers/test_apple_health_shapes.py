"""The scanner keeps its fast path on the export shapes Apple Watch wearers have.

benchmarks/generate_apple_health.py's ``watch`` shape interleaves the iPhone's and the Watch's step
samples in time order, writes active energy every minute or so, and gives heart-rate and intake
records ``MetadataEntry`` children. Its days must equal the reference reader's, and nearly all
samples must be summed in runs, not looked at one by one (the one-by-one path is several times
slower; a regression there halves the import's speed on such exports).
"""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

import pytest
from benchmark_scripts import benchmark_script

from twitchwise.importers.apple_health import read_export
from twitchwise.importers.apple_health._days import DayBuilder
from twitchwise.importers.apple_health._reference import read_reference
from twitchwise.importers.apple_health._scan import scan
from twitchwise.importers.apple_health._source import locate


def generator() -> ModuleType:
    return benchmark_script("generate_apple_health")


@pytest.mark.parametrize("shape", ["mixed", "watch"])
def test_shapes_read_like_the_reference_and_mostly_in_runs(
    shape: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "export.xml"
    generator().generate(path, 1.5, shape=shape)
    result = read_export(path, parallel=False)
    export = locate(path)
    reference = DayBuilder()
    read_reference(export, export.chunks(), reference)
    assert result.values == reference.values()
    assert result.summary.records_used == reference.used

    one_by_one = 0
    original = DayBuilder.quantity_bytes

    def counted(self: DayBuilder, *args: bytes) -> None:
        nonlocal one_by_one
        one_by_one += 1
        original(self, *args)

    monkeypatch.setattr(DayBuilder, "quantity_bytes", counted)
    builder = DayBuilder()
    scan(export, export.chunks(), builder)
    assert builder.values() == reference.values()
    assert one_by_one < 0.02 * builder.used, (one_by_one, builder.used)

"""Package-level rules: every part imports on its own, and the core knows nothing of interfaces."""

from __future__ import annotations

import subprocess
import sys

import pytest

PARTS = ["engine", "engine.interview", "knowledge", "stats", "diary", "importers",
         "importers.apple_health", "importers.diary_csv", "web", "cli"]  # fmt: skip
CORE = ["engine", "knowledge", "stats"]
INTERFACES = ["fastapi", "typer", "rich", "sqlalchemy", "twitchwise.cli", "twitchwise.web",
              "twitchwise.diary"]  # fmt: skip


def _run(code: str) -> str:
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.parametrize("part", PARTS)
def test_each_part_imports_on_its_own(part: str) -> None:
    """A fresh interpreter importing just this part catches import cycles that test order hides."""
    _run(f"import twitchwise.{part}")


@pytest.mark.parametrize("part", CORE)
def test_the_core_imports_no_interface(part: str) -> None:
    loaded = _run(f"import sys, twitchwise.{part}; print(' '.join(sys.modules))").split()
    assert not [m for m in INTERFACES if m in loaded]

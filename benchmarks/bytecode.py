"""Compile the project's modules to bytecode before timing, as installing them would.

A person's `twitchwise` runs from bytecode: pip compiles a package's modules when it installs
it, and Python caches the bytecode of an editable checkout on the first run. A shell with
``PYTHONDONTWRITEBYTECODE=1`` (some containers and CI images set it) never caches it, and then
every process of the command, workers included, compiles every twitchwise module from source
on every run: about 0.05 s of CPU in the command itself at the time of writing. Benchmarks
call `compile_trees` first so they time what a person runs (healthkit-to-sqlite, installed by
pip, is already compiled).
"""

from __future__ import annotations

import compileall
import os
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src"


def compile_trees(*trees: Path | None) -> None:
    """Write the bytecode caches of `SRC` and of each other source tree given, and say so."""
    done = [tree for tree in (SRC, *trees) if tree is not None]
    for tree in done:
        if not compileall.compile_dir(tree, quiet=1):
            raise SystemExit(f"could not compile {tree}")
    unset = (
        "" if "PYTHONDONTWRITEBYTECODE" not in os.environ else " (PYTHONDONTWRITEBYTECODE is set)"
    )
    print(f"bytecode compiled for {', '.join(map(str, done))}{unset}", flush=True)

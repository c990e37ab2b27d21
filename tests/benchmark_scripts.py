"""The benchmarks' own scripts (the export generators, the load test) as modules, for the tests
that use them: one loader instead of one copy per test file."""

from __future__ import annotations

import importlib.util
import sys
from functools import cache
from pathlib import Path
from types import ModuleType

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


@cache
def benchmark_script(stem: str, name: str | None = None) -> ModuleType:
    """`benchmarks/<stem>.py`, loaded once and registered in `sys.modules` as `name` (the stem
    by default), so that its dataclasses and pickles can find their module."""
    name = name or stem
    spec = importlib.util.spec_from_file_location(name, BENCHMARKS / f"{stem}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module

"""Importers: turn other apps' exports into per-day diary values, without writing anything.

Each importer is one package following `Importer` (see `_base`) and registers itself when it is
imported: ``apple-health``, ``health-connect``, ``fitbit`` and ``garmin``. They load on first
use (`get_importer` loads the one it is asked for, `available_importers` and `detect_importer`
all of them), so `twitchwise import apple-health` does not pay for the others' modules or lxml
before its worker processes start. `detect_importer` picks one by a file's content.
"""

from __future__ import annotations

from importlib import import_module
from types import ModuleType
from typing import TYPE_CHECKING

from ._base import (
    PACKAGES,
    DaySink,
    DayValue,
    Importer,
    ImporterError,
    ImportResult,
    ImportSummary,
    Progress,
    available_importers,
    detect_importer,
    get_importer,
    import_into,
    register,
)

if TYPE_CHECKING:
    from . import apple_health as apple_health
    from . import fitbit as fitbit
    from . import garmin as garmin
    from . import health_connect as health_connect


def __getattr__(name: str) -> ModuleType:
    """An importer's package, loaded when first named (``twitchwise.importers.fitbit``)."""
    if name in PACKAGES.values():
        return import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "DaySink",
    "DayValue",
    "ImportResult",
    "ImportSummary",
    "Importer",
    "ImporterError",
    "Progress",
    "apple_health",
    "available_importers",
    "detect_importer",
    "fitbit",
    "garmin",
    "get_importer",
    "health_connect",
    "import_into",
    "register",
]

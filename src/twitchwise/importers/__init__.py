"""Importers: turn other apps' exports into per-day diary values, without writing anything.

Each importer is one package following `Importer` (see `_base`) and registers itself when this
package is imported: ``apple-health``, ``health-connect``, ``fitbit`` and ``garmin``.
`detect_importer` picks one by a file's content.
"""

from __future__ import annotations

from . import apple_health as apple_health
from . import fitbit as fitbit
from . import garmin as garmin
from . import health_connect as health_connect
from ._base import (
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

"""Android Health Connect import: the phone's ``Health Connect.zip`` (one SQLite database)."""

from __future__ import annotations

from ._read import HealthConnectImporter, read_export
from ._source import HealthConnectError

__all__ = ["HealthConnectError", "HealthConnectImporter", "read_export"]

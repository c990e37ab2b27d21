"""Garmin import: the Garmin Connect account export (``DI_CONNECT/...``), zipped or unzipped."""

from __future__ import annotations

from ._read import GarminError, GarminImporter, read_export

__all__ = ["GarminError", "GarminImporter", "read_export"]

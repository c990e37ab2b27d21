"""Fitbit import: a Google Takeout (or older MyFitbitData) export, zipped or unzipped."""

from __future__ import annotations

from ._read import FitbitError, FitbitImporter, read_export

__all__ = ["FitbitError", "FitbitImporter", "read_export"]

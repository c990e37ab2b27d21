"""Honest personal statistics over the diary: the trend, factor insights and self-experiments.

Pure functions over pandas objects (no storage, CLI or web code); the diary turns stored entries
into their inputs and the interfaces present their outputs.
"""

from __future__ import annotations

from ._trend import MIN_TREND_DAYS, TrendResult, count_trend

__all__ = ["MIN_TREND_DAYS", "TrendResult", "count_trend"]

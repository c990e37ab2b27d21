"""Insights cached on the diary's last change: the web pages and API do not refit per request.

The key is whatever the caller says identifies the data (the web app uses the diary's URL and
`Diary.last_change()`); a few recent entries are kept, so switching between two diaries in tests
or a page and the API asking at once both hit.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from datetime import date
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    import pandas as pd

    from ._insights import InsightsReport
    from ._trend import TrendResult

CACHE_SIZE = 4


class CachedInsights(NamedTuple):
    """What the insights page and API show: the report, the trend and twitches per tracked day."""

    report: InsightsReport
    trend: TrendResult | None
    daily_twitches: dict[date, int]


_cache: OrderedDict[Hashable, CachedInsights] = OrderedDict()
_lock = threading.Lock()


def cached_insights(key: Hashable, frame: Callable[[], pd.DataFrame]) -> CachedInsights:
    """The factor insights and the trend for the data `key` names, computed at most once.

    `frame` is only called on a miss. Concurrent first requests may both compute (the lock is not
    held while fitting); the results are the same.
    """
    with _lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    from ._insights import factor_insights
    from ._trend import count_trend

    data = frame()
    report = factor_insights(data)
    trend = count_trend(data["twitches"]) if report.tracked_days else None
    daily = {d: int(n) for d, n in data["twitches"].items() if isinstance(d, date)}
    result = CachedInsights(report, trend, daily)
    with _lock:
        _cache[key] = result
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return result


def clear_insights_cache() -> None:
    with _lock:
        _cache.clear()

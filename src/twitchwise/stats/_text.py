"""Turning rate ratios into plain words ("30% more", "10% fewer to 25% more")."""

from __future__ import annotations

import math


def _pct(rr: float) -> int:
    return round((rr - 1.0) * 100.0)


def pct_change(rr: float, *, signed: bool = True) -> str:
    """'+12%' / '-8%' (signed) or '12%' (magnitude) for a rate ratio."""
    p = _pct(rr)
    if not signed:
        return f"{abs(p)}%"
    return f"{p:+d}%" if p else "0%"


def more_fewer(rr: float) -> str:
    """'30% more' / '20% fewer' / 'about the same number of' for a rate ratio."""
    p = _pct(rr)
    if p == 0:
        return "about the same number of"
    return f"{abs(p)}% more" if p > 0 else f"{abs(p)}% fewer"


def _side(rr: float) -> str:
    if not math.isfinite(rr):
        return "unbounded"
    p = _pct(rr)
    if p == 0:
        return "no change"
    return f"{abs(p)}% more" if p > 0 else f"{abs(p)}% fewer"


def interval_words(lo: float, hi: float) -> str:
    """'15% to 47% more', '5% to 33% fewer' or '10% fewer to 25% more'."""
    a, b = _pct(lo), _pct(hi)
    if a > 0 and b > 0:
        return f"{a}% to {b}% more"
    if a < 0 and b < 0:
        return f"{abs(b)}% to {abs(a)}% fewer"
    return f"{_side(lo)} to {_side(hi)}"


def pct_interval(lo: float, hi: float) -> str:
    """'-3% to +21%': a signed interval for per-week changes."""
    return f"{pct_change(lo)} to {pct_change(hi)}"

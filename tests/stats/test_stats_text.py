"""Rate ratios in words: the sign and order a reader expects."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from twitchwise.stats._text import interval_words, more_fewer, pct_change


def test_words_for_rate_ratios() -> None:
    assert more_fewer(1.3) == "30% more"
    assert more_fewer(0.8) == "20% fewer"
    assert more_fewer(1.001) == "about the same number of"
    assert interval_words(1.15, 1.47) == "15% to 47% more"
    assert interval_words(0.18, 0.75) == "25% to 82% fewer"
    assert interval_words(0.9, 1.25) == "10% fewer to 25% more"
    assert pct_change(1.12) == "+12%" and pct_change(0.92) == "-8%"


@given(st.floats(0.01, 0.99), st.floats(0.01, 0.99))
def test_fewer_intervals_read_small_to_large(a: float, b: float) -> None:
    lo, hi = sorted((a, b))
    words = interval_words(lo, hi)
    if words.endswith("% fewer") and " to " in words and "more" not in words:
        first, second = words.removesuffix("% fewer").split("% to ")
        assert int(first) <= int(second)

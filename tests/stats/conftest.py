"""Synthetic diaries shared by the statistics tests (built once per session: they are pure)."""

from __future__ import annotations

import pandas as pd
import pytest

from twitchwise.stats import simulate_diary


@pytest.fixture(scope="session")
def caffeine_diary() -> pd.DataFrame:
    """120 days with 30% more episodes per 100 mg caffeine on the same day."""
    return simulate_diary(120, 1, effects={"caffeine_mg": 1.3})


@pytest.fixture(scope="session")
def null_diary() -> pd.DataFrame:
    """120 days where no factor is linked to twitching."""
    return simulate_diary(120, 7)

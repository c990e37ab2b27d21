"""The diary: twitches and daily check-ins, stored in SQLite or PostgreSQL, feeding statistics and
the assessment. `Diary.open(url)` migrates the database to the current schema."""

from __future__ import annotations

from ._diary import Diary, twitch_position
from ._drinks import Drink, DrinkCount, drink_table, parse_drinks
from ._entries import (
    DAY_COLUMNS,
    EXTRA_METRICS,
    NUMERIC_DAY_COLUMNS,
    AssessmentRecord,
    CheckIn,
    DayValue,
    DayValueLike,
    Experiment,
    ImportStats,
    Twitch,
)
from ._errors import DatabaseFailure, DiaryError, NotFoundError, Problem
from ._facts import DiaryFact, DiaryFacts, case_facts_from_diary
from ._when import parse_day, parse_when

__all__ = [
    "DAY_COLUMNS",
    "EXTRA_METRICS",
    "NUMERIC_DAY_COLUMNS",
    "AssessmentRecord",
    "CheckIn",
    "DatabaseFailure",
    "DayValue",
    "DayValueLike",
    "Diary",
    "DiaryError",
    "DiaryFact",
    "DiaryFacts",
    "Drink",
    "DrinkCount",
    "Experiment",
    "ImportStats",
    "NotFoundError",
    "Problem",
    "Twitch",
    "case_facts_from_diary",
    "drink_table",
    "parse_day",
    "parse_drinks",
    "parse_when",
    "twitch_position",
]

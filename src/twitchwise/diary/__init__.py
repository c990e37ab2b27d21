"""The diary: twitches and daily check-ins, stored in SQLite or PostgreSQL, feeding statistics and
the assessment. `Diary.open(url)` migrates the database to the current schema.

The public names load on first use (module `__getattr__`), so importing one light part, such as
`twitchwise.diary._when` for the command line's help text, does not load SQLAlchemy or pydantic.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from twitchwise._lazy import lazy_exports

if TYPE_CHECKING:
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
    from ._models import LOCAL_PERSON
    from ._when import parse_day, parse_when

_WHERE = {
    **dict.fromkeys(("Diary", "twitch_position"), "_diary"),
    **dict.fromkeys(("Drink", "DrinkCount", "drink_table", "parse_drinks"), "_drinks"),
    **dict.fromkeys(
        (
            "DAY_COLUMNS",
            "EXTRA_METRICS",
            "NUMERIC_DAY_COLUMNS",
            "AssessmentRecord",
            "CheckIn",
            "DayValue",
            "DayValueLike",
            "Experiment",
            "ImportStats",
            "Twitch",
        ),
        "_entries",
    ),
    **dict.fromkeys(("DatabaseFailure", "DiaryError", "NotFoundError", "Problem"), "_errors"),
    **dict.fromkeys(("DiaryFact", "DiaryFacts", "case_facts_from_diary"), "_facts"),
    **dict.fromkeys(("parse_day", "parse_when"), "_when"),
    "LOCAL_PERSON": "_models",
}

__getattr__, __dir__ = lazy_exports(__name__, globals(), _WHERE)


__all__ = [
    "DAY_COLUMNS",
    "EXTRA_METRICS",
    "LOCAL_PERSON",
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

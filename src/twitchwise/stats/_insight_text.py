"""The sentences of the factor insights: what was found, what it was allowed for, what was not,
and, when nothing can be said, the true reason and the advice that would actually help."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from ._factors import FactorSpec
from ._text import interval_words, more_fewer

OUTCOME_NOUN = {"episodes": "twitch episodes", "twitches": "twitches"}


def lag_words(lag: int) -> str:
    return " the day before" if lag else ""


def names(items: Sequence[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def allowed_words(
    allowed: Sequence[str], own_other_lag: str | None, not_allowed: Sequence[str]
) -> str:
    """'Allowed for: sleep, stress and the trend over time. Not allowed for: alcohol (...)'."""
    parts = ([own_other_lag] if own_other_lag else []) + list(allowed) + ["the trend over time"]
    text = f" Allowed for: {names(parts)}."
    if not_allowed:
        text += (
            f" Not allowed for: {names(not_allowed)} (recorded on too few of these days, or too "
            "few days to allow for more); they could explain part of this."
        )
    return text


def estimate_sentence(
    spec: FactorSpec,
    lag: int,
    rr: float,
    lo: float,
    hi: float,
    n: int,
    noun: str,
    significant: bool,
    comparisons: int,
) -> str:
    phrase = spec.day_after if lag else spec.same_day
    than = (" than after days without" if lag else " than on days without") if spec.binary else ""
    text = (
        f"On days {phrase}, you logged about {more_fewer(rr)} {noun}{than} "
        f"(95% interval {interval_words(lo, hi)}, {n} days)."
    )
    if significant:
        return (
            f"{text} This held up after allowing for the {comparisons} comparisons made; it is a "
            "link in your diary, not proof of what drives it."
        )
    return f"{text} This could well be chance."


def outlier_words(day: date, value: float, counted_as: float, full: str | None, noun: str) -> str:
    text = (
        f" One day, {day.isoformat()} with {value:g} {noun}, was counted as {counted_as:g} so "
        "that it cannot decide this on its own"
    )
    return text + (f"; counted in full, the estimate would be {full}." if full else ".")


def sparse_sentence(spec: FactorSpec, lag: int, noun: str, some: int, n: int, need: int) -> str:
    return (
        f"{spec.label.capitalize()}{lag_words(lag)}: {noun} were logged on only {some} of {n} "
        f"tracked days, too few to compare days with and without a factor (at least {need} days "
        "with some are needed; with so few, any link would be mostly chance)."
    )


def separation_sentence(spec: FactorSpec, lag: int, noun: str, n: int) -> str:
    what = f"{spec.label}{lag_words(lag)}"
    return (
        f"{what.capitalize()} splits your {n} days perfectly: every day with {noun} falls on one "
        f"side of it. No size can be put on such a split (it is called separation), and with few "
        f"days with {noun} it is usually chance, not a sign that {spec.label} matters."
    )


def no_twitch_sentence(spec: FactorSpec, lag: int, noun: str, n: int, elsewhere: float) -> str:
    where = f"the {n} days with {spec.label}{lag_words(lag)} recorded"
    text = f"No {noun} were logged on {where}"
    if elsewhere > 0:
        text += f" (the {elsewhere:g} logged fell on days without it recorded)"
    return text + ", so there is nothing to compare yet."


def unreliable_sentence(spec: FactorSpec, lag: int, n: int, problem: str | None) -> str:
    return (
        f"{spec.label.capitalize()}{lag_words(lag)} could not be estimated reliably from {n} days "
        f"({problem or 'the model did not settle on an answer'})."
    )

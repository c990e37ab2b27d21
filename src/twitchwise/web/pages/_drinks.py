"""Caffeine by drinks for the check-in form: people count cups, not milligrams.

The figures come from the diary's sourced drinks table (src/twitchwise/diary/drinks.yaml).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from twitchwise.diary import CheckIn
from twitchwise.diary._drinks import drink_table


@dataclass(frozen=True)
class Drink:
    id: str
    label: str
    hint: str
    mg: float


def drinks() -> tuple[Drink, ...]:
    """The drinks offered on the form, with the serving each figure is for."""
    return tuple(
        Drink(d.id, d.label[:1].upper() + d.label[1:], f"{d.serving}: about {d.mg:g} mg", d.mg)
        for d in drink_table().drinks
    )


def caffeine_from_drinks(counts: Mapping[str, float | None]) -> float | None:
    """Total mg for the drinks counted, or None when no drink was counted."""
    by_id = {d.id: d.mg for d in drinks()}
    given = {k: v for k, v in counts.items() if v}
    if not given:
        return None
    return sum(by_id[k] * v for k, v in given.items() if v is not None)


def drinks_words(counted: tuple[tuple[str, float], ...]) -> str:
    """The drinks as a person would say them: "2 × brewed coffee, 1 × cola"."""
    labels = {d.id: d.label for d in drink_table().drinks}
    return ", ".join(f"{n:g} × {labels.get(k, k.replace('_', ' '))}" for k, n in counted)


def checkin_summary(c: CheckIn) -> str:
    """One line for a check-in, naming only what was recorded (unknown is left out, not 0)."""
    parts = []
    if c.no_twitches:
        parts.append("no twitches")
    if c.sleep_hours is not None:
        parts.append(f"sleep {c.sleep_hours:g} h")
    if c.drinks:
        parts.append(drinks_words(c.drinks))
    if c.caffeine_mg is not None:
        parts.append(f"caffeine {c.caffeine_mg:.0f} mg")
    if c.stress_level is not None:
        parts.append(f"stress {c.stress_level:g}/10")
    if c.water_litres is not None:
        parts.append(f"fluids {c.water_litres:g} l")
    if c.alcohol_drinks is not None:
        parts.append(f"alcohol {c.alcohol_drinks:g}")
    if c.exercise_minutes is not None:
        hard = " (hard)" if c.hard_exercise else ""
        parts.append(f"exercise {c.exercise_minutes:g} min{hard}")
    return " · ".join(parts) or "nothing recorded"

"""Caffeine by drinks for the check-in form: people count cups, not milligrams.

The figures come from the diary's sourced drinks table (src/twitchwise/diary/drinks.yaml).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

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

"""Caffeine by drinks for the check-in form: people count cups, not milligrams."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Drink:
    id: str
    label: str
    mg: float


DRINKS: tuple[Drink, ...] = (
    Drink("coffee", "Mugs of brewed coffee", 95),
    Drink("espresso", "Espresso shots", 63),
    Drink("tea", "Cups of black or green tea", 47),
    Drink("cola", "Cans of cola", 34),
    Drink("energy", "Cans of energy drink (250 ml)", 80),
)


def caffeine_from_drinks(counts: Mapping[str, float | None]) -> float | None:
    """Total mg for the drinks counted, or None when no drink was counted."""
    by_id = {d.id: d.mg for d in DRINKS}
    given = {k: v for k, v in counts.items() if v}
    if not given:
        return None
    return sum(by_id[k] * v for k, v in given.items() if v is not None)

"""Caffeine from drinks: "2 coffees, 1 cola" -> mg, using the sourced table in drinks.yaml."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator

from ._errors import DiaryError

_NUMBER_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "half": 0.5}
_ITEM = re.compile(r"^(?:(?P<n>\d+(?:\.\d+)?|[a-z]+)\s*(?:x\s+|×\s*)?)?(?P<name>.*)$")
_MG = re.compile(r"^(?P<mg>\d+(?:\.\d+)?)\s*mg$")
_SPLIT = re.compile(r"\s*(?:,|\+|;|\band\b)\s*")


class Source(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str
    title: str
    url: str


class Drink(BaseModel):
    """A drink with its typical caffeine per stated serving, and the source of that figure."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str
    label: str
    serving: str
    mg: float = Field(ge=0, le=1000)
    source: str
    aliases: tuple[str, ...] = Field(min_length=1)


class DrinkTable(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    sources: tuple[Source, ...]
    drinks: tuple[Drink, ...]

    @model_validator(mode="after")
    def _sourced_and_unambiguous(self) -> DrinkTable:
        known = {s.id for s in self.sources}
        seen: set[str] = set()
        for drink in self.drinks:
            if drink.source not in known:
                raise ValueError(f"drink {drink.id}: unknown source {drink.source!r}")
            for alias in drink.aliases:
                if alias in seen:
                    raise ValueError(f"alias {alias!r} names two drinks")
                seen.add(alias)
        return self

    def find(self, name: str) -> Drink | None:
        """The drink called `name` (an alias, singular or plural)."""
        name = " ".join(name.lower().split())
        for candidate in (name, name.removesuffix("s"), name.removesuffix("es")):
            for drink in self.drinks:
                if candidate in drink.aliases:
                    return drink
        return None


@cache
def drink_table() -> DrinkTable:
    text = files("twitchwise.diary").joinpath("drinks.yaml").read_text(encoding="utf-8")
    return DrinkTable.model_validate(yaml.safe_load(text))


@dataclass(frozen=True)
class DrinkCount:
    quantity: float
    drink: Drink | None
    mg: float

    def describe(self) -> str:
        if self.drink is None:
            return f"{self.mg:g} mg"
        return f"{self.quantity:g} × {self.drink.label} ({self.drink.mg:g} mg each)"


def parse_drinks(text: str, field: str = "caffeine") -> tuple[float, list[DrinkCount]]:
    """Total mg and the itemised drinks of text like "2 coffees, 1 cola" or "1 espresso + 50 mg"."""
    table = drink_table()
    items = [p for p in _SPLIT.split(text.strip().lower()) if p]
    if not items:
        raise DiaryError(field, "name some drinks, like '2 coffees, 1 cola'")
    counts = [_parse_item(item, table, field) for item in items]
    return sum(c.mg for c in counts), counts


def _parse_item(item: str, table: DrinkTable, field: str) -> DrinkCount:
    mg = _MG.match(item)
    if mg:
        return DrinkCount(1, None, float(mg["mg"]))
    match = _ITEM.match(item)
    assert match is not None  # the pattern matches any text
    raw_n, name = match["n"], match["name"].strip()
    quantity: float = 1
    if raw_n is not None:
        if raw_n.replace(".", "", 1).isdigit():
            quantity = float(raw_n)
        elif raw_n in _NUMBER_WORDS:
            quantity = _NUMBER_WORDS[raw_n]
        else:
            name = f"{raw_n} {name}".strip()
    drink = table.find(re.sub(r"^(?:a|an)\s+", "", name))
    if drink is None:
        known = ", ".join(d.label for d in table.drinks)
        raise DiaryError(field, f"unknown drink {item!r}; known: {known}; or give mg ('50 mg')")
    if not 0 < quantity <= 50:
        raise DiaryError(field, f"{item!r}: the number of drinks must be above 0 and at most 50")
    return DrinkCount(quantity, drink, quantity * drink.mg)

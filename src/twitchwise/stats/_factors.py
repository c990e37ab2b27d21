"""The daily factors: the unit a rate ratio is reported per, and how a sentence names them."""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class FactorSpec:
    """How one daily column is reported.

    `scale` is the meaningful unit (100 mg caffeine, 30 minutes of exercise); `same_day` and
    `day_after` complete "On days ..." and "On days after ..." sentences.
    """

    column: str
    label: str
    per: str
    scale: float
    same_day: str
    day_after: str
    binary: bool = False


DIARY_FACTORS: tuple[FactorSpec, ...] = (
    FactorSpec(
        "sleep_hours",
        "sleep",
        "hour of sleep",
        1.0,
        "after one hour more sleep the night before",
        "when the night before last had one hour more sleep",
    ),
    FactorSpec(
        "caffeine_mg",
        "caffeine",
        "100 mg caffeine",
        100.0,
        "with 100 mg more caffeine",
        "after a day with 100 mg more caffeine",
    ),
    FactorSpec(
        "alcohol_drinks",
        "alcohol",
        "drink",
        1.0,
        "with one more alcoholic drink",
        "after a day with one more alcoholic drink",
    ),
    FactorSpec(
        "water_litres",
        "fluids",
        "litre",
        1.0,
        "with one litre more to drink",
        "after a day with one litre more to drink",
    ),
    FactorSpec(
        "stress_level",
        "stress",
        "stress point",
        1.0,
        "with stress one point higher (0-10 scale)",
        "after a day with stress one point higher (0-10 scale)",
    ),
    FactorSpec(
        "exercise_minutes",
        "exercise",
        "30 min exercise",
        30.0,
        "with 30 minutes more exercise",
        "after a day with 30 minutes more exercise",
    ),
    FactorSpec(
        "hard_exercise",
        "hard exercise",
        "hard exercise (yes vs no)",
        1.0,
        "with hard or unusual exercise",
        "after a day of hard or unusual exercise",
        binary=True,
    ),
)

_IMPORTED: tuple[tuple[str, str, str, float, str], ...] = (
    ("steps", "steps", "1000 steps", 1000.0, "1000 more steps"),
    ("active_energy_kcal", "active energy", "100 kcal", 100.0, "100 kcal more active energy"),
    ("mindful_minutes", "mindful minutes", "10 min", 10.0, "10 more mindful minutes"),
    ("hrv_sdnn_ms", "heart rate variability", "10 ms HRV", 10.0, "10 ms higher HRV (SDNN)"),
    (
        "resting_heart_rate_bpm",
        "resting heart rate",
        "5 bpm",
        5.0,
        "a resting heart rate 5 bpm higher",
    ),
    ("potassium_mg", "potassium", "500 mg potassium", 500.0, "500 mg more potassium"),
    ("magnesium_mg", "magnesium", "100 mg magnesium", 100.0, "100 mg more magnesium"),
    ("calcium_mg", "calcium", "500 mg calcium", 500.0, "500 mg more calcium"),
)

IMPORTED_FACTORS: tuple[FactorSpec, ...] = tuple(
    FactorSpec(col, label, per, scale, f"with {what}", f"after a day with {what}")
    for col, label, per, scale, what in _IMPORTED
)

KNOWN_FACTORS: dict[str, FactorSpec] = {f.column: f for f in DIARY_FACTORS + IMPORTED_FACTORS}
DIARY_COLUMNS: tuple[str, ...] = tuple(f.column for f in DIARY_FACTORS)
OUTCOME_COLUMNS: frozenset[str] = frozenset({"twitches", "episodes"})


def nice_scale(sd: float) -> float:
    """A round unit near one standard deviation (1, 2 or 5 times a power of ten)."""
    if not math.isfinite(sd) or sd <= 0:
        return 1.0
    power = 10.0 ** math.floor(math.log10(sd))
    for step in (1.0, 2.0, 5.0, 10.0):
        if step * power >= sd / 1.5:
            return step * power
    return 10.0 * power


def _fmt_unit(value: float) -> str:
    return f"{value:g}"


def spec_for(column: str, sd: float = math.nan, binary: bool = False) -> FactorSpec:
    """The spec for a known column, or a sensible one for an unknown numeric column."""
    if column in KNOWN_FACTORS:
        return KNOWN_FACTORS[column]
    name = column.replace("_", " ")
    if binary:
        return FactorSpec(
            column,
            name,
            f"{name} (yes vs no)",
            1.0,
            f"with {name}",
            f"after a day with {name}",
            True,
        )
    scale = nice_scale(sd)
    unit = _fmt_unit(scale)
    return FactorSpec(
        column,
        name,
        f"{unit} {name}",
        scale,
        f"with {name} {unit} higher",
        f"after a day with {name} {unit} higher",
    )

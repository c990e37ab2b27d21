"""Imported daily values (Apple Health...) in words a person uses, not column names.

"hrv sdnn ms" meant nothing to the people who imported it; each known metric has a name and a
unit, and an unknown one is still shown (its id with spaces) rather than hidden.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Metric:
    label: str
    unit: str
    digits: int = 0

    def show(self, value: float) -> str:
        number = f"{value:,.{self.digits}f}"
        return f"{number} {self.unit}".strip()


METRICS: dict[str, Metric] = {
    "steps": Metric("Steps", ""),
    "resting_heart_rate_bpm": Metric("Resting heart rate", "beats a minute"),
    "hrv_sdnn_ms": Metric("Heart rate variability (SDNN)", "ms"),
    "active_energy_kcal": Metric("Active energy", "kcal"),
    "mindful_minutes": Metric("Mindful minutes", "min"),
    "sleep_hours": Metric("Sleep", "h", 1),
    "caffeine_mg": Metric("Caffeine", "mg"),
    "water_litres": Metric("Fluids", "l", 1),
    "exercise_minutes": Metric("Exercise", "min"),
    "potassium_mg": Metric("Potassium", "mg"),
    "magnesium_mg": Metric("Magnesium", "mg"),
    "calcium_mg": Metric("Calcium", "mg"),
    "alcohol_drinks": Metric("Alcoholic drinks", "", 1),
    "stress_level": Metric("Stress", "/10", 1),
}


def metric_label(metric: str) -> str:
    known = METRICS.get(metric)
    return known.label if known else metric.replace("_", " ").capitalize()


def show_value(metric: str, value: float) -> str:
    """`"resting_heart_rate_bpm", 58.0` -> `"58 beats a minute"`."""
    known = METRICS.get(metric)
    return known.show(value) if known else f"{value:g}"


_ISO_DAY = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_METRIC_ID = re.compile(r"\b(" + "|".join(sorted(METRICS, key=len, reverse=True)) + r")\b")


def in_words(text: str) -> str:
    """Sentences from the statistics, as the pages show them: column ids in words
    ("caffeine_mg" -> "caffeine") and dates in the app's one format ("Tue 1 Dec 2026")."""

    def day(match: re.Match[str]) -> str:
        try:
            value = date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            return match[0]
        return f"{value:%a} {value.day} {value:%b %Y}"

    text = _ISO_DAY.sub(day, text)
    return _METRIC_ID.sub(lambda m: METRICS[m[1]].label.lower(), text)


@dataclass(frozen=True)
class MeasureSummary:
    """One imported measure over the diary: its average and the days an app gave it."""

    label: str
    average: str
    days: int
    first: date
    last: date


def imported_summaries(
    values: Mapping[tuple[date, str], tuple[str, float]], metrics: Iterable[str]
) -> list[MeasureSummary]:
    """Average and days covered of each of `metrics` among the imported values in use.

    Only these plain figures: the Insights page shows them so imported steps, heart rate and HRV
    are not invisible, without claiming anything about twitching from them.
    """
    wanted = list(metrics)
    by_metric: dict[str, list[tuple[date, float]]] = {m: [] for m in wanted}
    for (day, metric), (_source, value) in values.items():
        if metric in by_metric:
            by_metric[metric].append((day, value))
    out = []
    for metric in wanted:
        rows = by_metric[metric]
        if not rows:
            continue
        days = [d for d, _ in rows]
        mean = sum(v for _, v in rows) / len(rows)
        out.append(
            MeasureSummary(
                metric_label(metric), show_value(metric, mean), len(rows), min(days), max(days)
            )
        )
    return out

"""Honest personal statistics over the diary: the trend, factor insights and self-experiments.

Pure functions over pandas objects (no storage, CLI or web code); the diary turns stored entries
into their inputs and the interfaces present their outputs.
"""

from __future__ import annotations

from twitchwise.knowledge import ExperimentFactor

from ._cache import cached_insights, clear_insights_cache
from ._experiment import (
    EXPERIMENT_FACTORS,
    ChecklistItem,
    ExperimentError,
    ExperimentPlan,
    ExperimentReport,
    ExperimentStatus,
    Phase,
    PhaseSummary,
    experiment_factor,
    experiment_status,
    plan_experiment,
)
from ._experiment_design import ExperimentDesign, design_warning, experiment_design
from ._experiment_report import experiment_report
from ._factors import DIARY_FACTORS, IMPORTED_FACTORS, FactorSpec
from ._insights import (
    MIN_FACTOR_DAYS,
    MIN_VARIED_DAYS,
    FactorInsight,
    InsightsReport,
    factor_insights,
)
from ._simulate import simulate_diary
from ._study import Tally, null_runs, power_runs
from ._trend import MIN_TREND_DAYS, TrendResult, count_trend

__all__ = [
    "DIARY_FACTORS",
    "EXPERIMENT_FACTORS",
    "IMPORTED_FACTORS",
    "MIN_FACTOR_DAYS",
    "MIN_TREND_DAYS",
    "MIN_VARIED_DAYS",
    "ChecklistItem",
    "ExperimentDesign",
    "ExperimentError",
    "ExperimentFactor",
    "ExperimentPlan",
    "ExperimentReport",
    "ExperimentStatus",
    "FactorInsight",
    "FactorSpec",
    "InsightsReport",
    "Phase",
    "PhaseSummary",
    "Tally",
    "TrendResult",
    "cached_insights",
    "clear_insights_cache",
    "count_trend",
    "design_warning",
    "experiment_design",
    "experiment_factor",
    "experiment_report",
    "experiment_status",
    "factor_insights",
    "null_runs",
    "plan_experiment",
    "power_runs",
    "simulate_diary",
]

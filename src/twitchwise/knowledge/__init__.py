"""The clinical knowledge base: YAML files with their sources, validated by pydantic at load time.

Where is a red flag defined? `red_flags.yaml` in this folder. A cause? `causes.yaml`. Every entry
names a `source` from `sources.yaml`.
"""

from __future__ import annotations

from ._load import KnowledgeBase, KnowledgeError, load_knowledge
from ._models import (
    Cause,
    Condition,
    ExperimentFactor,
    MedicationClass,
    Question,
    RedFlag,
    Source,
    Strategy,
)

__all__ = [
    "Cause",
    "Condition",
    "ExperimentFactor",
    "KnowledgeBase",
    "KnowledgeError",
    "MedicationClass",
    "Question",
    "RedFlag",
    "Source",
    "Strategy",
    "load_knowledge",
]

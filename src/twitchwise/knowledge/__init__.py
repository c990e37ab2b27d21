"""The clinical knowledge base: YAML files with their sources, validated by pydantic at load time.

Where is a red flag defined? `red_flags.yaml` in this folder. A cause? `causes.yaml`. Every entry
names a `source` from `sources.yaml`.

The public names load on first use (module `__getattr__`), so a help text can read a key list
(`_keys`) without building the pydantic models.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from twitchwise._lazy import lazy_exports

if TYPE_CHECKING:
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

_WHERE = {
    **dict.fromkeys(("KnowledgeBase", "KnowledgeError", "load_knowledge"), "_load"),
    **dict.fromkeys(
        (
            "Cause",
            "Condition",
            "ExperimentFactor",
            "MedicationClass",
            "Question",
            "RedFlag",
            "Source",
            "Strategy",
        ),
        "_models",
    ),
}

__getattr__, __dir__ = lazy_exports(__name__, globals(), _WHERE)


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

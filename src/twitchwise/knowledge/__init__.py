"""The clinical knowledge base: YAML files with their sources, validated by pydantic at load time.

Where is a red flag defined? `red_flags.yaml` in this folder. A cause? `causes.yaml`. Every entry
names a `source` from `sources.yaml`.

The public names load on first use (module `__getattr__`), so a help text can read a key list
(`_keys`) without building the pydantic models.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

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


def __getattr__(name: str) -> Any:
    """Load a public name from its submodule on first use, then keep it here."""
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_WHERE])


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

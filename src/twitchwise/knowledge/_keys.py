"""Names from the knowledge files that help texts show, read without building the knowledge base.

`twitchwise experiment start --help` lists the experiment factors; validating every knowledge file
with pydantic for that would slow every start of the command line. `load_knowledge()` validates the
same file when an experiment is really planned, and a test checks that both give the same keys.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files

import yaml


@cache
def experiment_keys() -> tuple[str, ...]:
    """The `key` of each entry in experiments.yaml, in file order."""
    text = (
        files(__package__ or "twitchwise.knowledge")
        .joinpath("experiments.yaml")
        .read_text(encoding="utf-8")
    )
    entries = yaml.safe_load(text)
    return tuple(str(entry["key"]) for entry in entries)

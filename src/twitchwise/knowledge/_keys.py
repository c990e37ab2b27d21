"""Names from the knowledge files that help texts show, read without building the knowledge base.

`twitchwise experiment start --help` lists the experiment factors, and the help text is built when
the command line starts, for every command. Validating every knowledge file with pydantic (or even
importing a YAML parser) for that would slow each start. `load_knowledge()` validates the same
file when an experiment is really planned, and a test checks that both give the same keys.
"""

from __future__ import annotations

import re
from functools import cache
from importlib.resources import files

_KEY = re.compile(r"^- key:\s*([A-Za-z0-9_]+)\s*$", re.MULTILINE)
"""The first line of each entry, as experiments.yaml writes it (`- key: caffeine`)."""


@cache
def experiment_keys() -> tuple[str, ...]:
    """The `key` of each entry in experiments.yaml, in file order."""
    text = (
        files(__package__ or "twitchwise.knowledge")
        .joinpath("experiments.yaml")
        .read_text(encoding="utf-8")
    )
    return tuple(_KEY.findall(text))

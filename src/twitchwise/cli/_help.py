"""Help that reads like a sentence: no `<bool>`/`<str>` type tags beside every option.

Typer (0.29) prints a Python type tag for every parameter, even for flags such as `--help`; people
read `<str>` as part of the syntax. Flags get no tag and values get a plain upper-case word
(TEXT, NUMBER, PATH...), as click always did. Done once, on the parameter classes, so every
command (also those other modules add) reads the same.
"""

from __future__ import annotations

from typing import Any

from typer import core

_WORDS = {
    "str": "TEXT",
    "int": "INTEGER",
    "int range": "INTEGER",
    "float": "NUMBER",
    "float range": "NUMBER",
    "bool": "",
    "Path": "PATH",
    "datetime": "DATE",
}


def _plain(self: Any, ctx: Any) -> str:
    if getattr(self, "is_flag", False):
        return ""
    label = str(_tagged(self, ctx))
    if not (label.startswith("<") and label.endswith(">")):
        return label
    inner = label[1:-1]
    return _WORDS.get(inner, inner.upper())


_tagged = core._TyperParameter.display_type


def install() -> None:
    """Replace the tags in the help of every Typer command (idempotent)."""
    core._TyperParameter.display_type = _plain  # type: ignore[method-assign]

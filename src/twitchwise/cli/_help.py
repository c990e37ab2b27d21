"""Help that reads like a sentence: no `<str>`/`<int>` type tags beside every option.

Typer (0.26 to 0.28) prints a Python type tag for every parameter that has no metavar of its
own; people read `<str>` as part of the syntax. Values get a plain upper-case word instead (TEXT,
INTEGER, NUMBER, PATH...), as click always did, and choices their list in brackets. Done once,
on the parameter-type base class that every option and argument asks for its metavar, so every
command (also those other modules add) reads the same.
"""

from __future__ import annotations

from typing import Any

from typer._click import types

_WORDS = {
    "str": "TEXT",
    "text": "TEXT",
    "int": "INTEGER",
    "int range": "INTEGER",
    "float": "NUMBER",
    "float range": "NUMBER",
    "boolean": "",
    "bool": "",
    "path": "PATH",
    "filename": "FILE",
    "datetime": "DATE",
}

_typed = types.ParamType.get_metavar


def _plain(self: types.ParamType, param: Any, ctx: Any) -> str | None:
    own = _typed(self, param, ctx)
    if own is not None:  # choices, date formats: keep what they list, as click writes it
        if own.startswith("<") and own.endswith(">"):
            return f"[{own[1:-1]}]"
        return own
    if getattr(param, "is_flag", False):
        return ""
    name = str(self.name)
    return _WORDS.get(name, name.upper())


def install() -> None:
    """Replace the tags in the help of every Typer command (idempotent)."""
    types.ParamType.get_metavar = _plain  # type: ignore[method-assign]

"""The `twitchwise` command: a thin Typer layer over the core library.

`main` first starts what the command line asks for that can begin before the command is even
parsed (`_early`), then loads Typer, Rich and the module of the command asked for (`_commands`;
every command module for help at the root, or for anything it does not recognise) and runs it.
``from twitchwise.cli import app`` loads every command.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import typer


def main() -> None:
    """Console-script entry point."""
    from ._early import start_early_work

    argv = sys.argv[1:]
    start_early_work(argv)
    from ._commands import load

    load(argv)()


def __getattr__(name: str) -> typer.Typer:
    """`app`, the Typer application with every command, loaded when first asked for."""
    if name == "app":
        from ._commands import load

        return load()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["app", "main"]

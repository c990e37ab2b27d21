"""The `twitchwise` command: a thin Typer layer over the core library.

`main` first starts what the command line asks for that can begin before the command is even
parsed (`_early`), then loads the commands (`_commands`: Typer, Rich and every command group)
and runs the one asked for. ``from twitchwise.cli import app`` loads them too.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import typer


def main() -> None:
    """Console-script entry point."""
    from ._early import start_early_work

    start_early_work(sys.argv[1:])
    from ._commands import app

    app()


def __getattr__(name: str) -> typer.Typer:
    """`app`, the Typer application with every command, loaded when first asked for."""
    if name == "app":
        from ._commands import app

        return app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["app", "main"]

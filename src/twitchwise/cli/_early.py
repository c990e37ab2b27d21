"""Work a command line asks for that can start before the command is parsed.

Loading the command (Typer, Rich, the command's module) takes most of a tenth of a second,
with one core busy and the others idle. ``twitchwise import apple-health export.xml`` spends
most of its time in worker processes reading the file on every core; started first, they read
while the command loads instead of after (`twitchwise.importers.apple_health.start_early`).

This looks at the words of the command line only; Typer still parses them, and the command
takes the workers only if it reads that very file. Guessing wrong costs a moment of the
workers' time: they are stopped when the command exits.
"""

from __future__ import annotations

from collections.abc import Sequence

from ._commands import split_command

APPLE_HEALTH = "apple-health"
"""The command's name under ``import`` (`cli.apple_health` registers it under this name)."""


def start_early_work(argv: Sequence[str]) -> None:
    """Start the reading of an Apple Health export if `argv` is ``… import apple-health PATH``."""
    path = apple_health_path(argv)
    if path is not None:
        from twitchwise.importers.apple_health import start_early

        start_early(path)


def apple_health_path(argv: Sequence[str]) -> str | None:
    """PATH, when `argv` reads ``[global options] import apple-health [options] PATH`` and
    asks for no help (the command found as `_commands` finds it to load its module)."""
    words, rest = split_command(argv)
    if words != ("import", APPLE_HEALTH) or any(w in ("--help", "-h", "--") for w in rest):
        return None
    paths = [w for w in rest if not w.startswith("-")]
    return paths[0] if len(paths) == 1 else None

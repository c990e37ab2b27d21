"""Every command of `twitchwise`, and which module registers which.

Each command group lives in its own module and registers itself on `app` (or on the shared
`import`/`export` groups in `_app.py`) when it is imported. `load` imports the one module the
command line asks for, or all of them: a command that is run needs only its own module, and
Typer then builds only its click command (for every command, that is a fifth of the start-up
of `twitchwise log`). Help at the root or of a group, and anything not recognised here, load
every module, so Typer lists, suggests and complains as it always does.
"""

from __future__ import annotations

from collections.abc import Sequence
from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import typer

MODULES = (
    "apple_health",
    "assess",
    "backup",
    "diary",
    "diary_io",
    "fhir",
    "insights",
    "report",
    "serve",
    "users",
    "wearables",
    "worker",
)
"""Every command module, in the order their commands are listed."""
ROUTES: dict[tuple[str, ...], str] = {
    ("assess",): "assess",
    ("backup",): "backup",
    ("restore",): "backup",
    ("log",): "diary",
    ("checkin",): "diary",
    ("diary",): "diary",
    ("erase",): "diary",
    ("insights",): "insights",
    ("experiment",): "insights",
    ("report",): "report",
    ("serve",): "serve",
    ("user",): "users",
    ("worker",): "worker",
    ("import", "apple-health"): "apple_health",
    ("import", "diary"): "diary_io",
    ("import", "health-connect"): "wearables",
    ("import", "auto"): "wearables",
    ("import", "fitbit"): "wearables",
    ("import", "garmin"): "wearables",
    ("export", "diary"): "diary_io",
    ("export", "fhir"): "fhir",
}
"""The module that registers each command (`tests/cli/test_commands.py` checks it against the
commands the modules register)."""
SHARED_GROUPS = frozenset({"import", "export"})
"""Groups whose commands several modules register: routed by their command's name too."""
VALUED = frozenset({"--db", "--as"})
"""The root's options that take a value as the next word."""


def load(argv: Sequence[str] | None = None) -> typer.Typer:
    """The app with the command `argv` (the words after ``twitchwise``) runs registered, or
    with every command when `argv` is None or names no command `ROUTES` knows."""
    route = None if argv is None else ROUTES.get(split_command(argv)[0])
    for name in MODULES if route is None else (route,):
        import_module(f"{__package__}.{name}")
    from ._app import app

    return app


def split_command(argv: Sequence[str]) -> tuple[tuple[str, ...], Sequence[str]]:
    """The command's name in `argv` (one word, or two for a command of a shared group, after
    the root's options and the values of those that take one), and the words after it."""
    words: list[str] = []
    skip = False
    for at, word in enumerate(argv):
        if skip:
            skip = False
        elif word.startswith("-"):
            if words:  # an option of the command or group: its name has ended
                return tuple(words), argv[at:]
            skip = word in VALUED
        else:
            words.append(word)
            if words[0] not in SHARED_GROUPS or len(words) == 2:
                return tuple(words), argv[at + 1 :]
    return tuple(words), ()

"""`cli._commands`: a run loads only its command's module, and that changes nothing it shows.

`ROUTES` is kept by hand; these tests fail when a command is added, moved or renamed without it.
"""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys
from typing import Any

import pytest
import typer.main

import twitchwise.cli
from twitchwise.cli import app
from twitchwise.cli._commands import MODULES, ROUTES, SHARED_GROUPS, split_command


def commands() -> dict[tuple[str, ...], Any]:
    """Every command and group of the whole app (Typer's vendored click), by its path of names."""
    found: dict[tuple[str, ...], Any] = {}

    def walk(command: Any, path: tuple[str, ...]) -> None:
        found[path] = command
        for name, sub in getattr(command, "commands", {}).items():
            walk(sub, (*path, name))

    walk(typer.main.get_command(app), ())
    return found


def route_of(path: tuple[str, ...]) -> tuple[str, ...]:
    return path[:2] if path[0] in SHARED_GROUPS else path[:1]


def test_every_command_is_routed_to_the_module_that_registers_it() -> None:
    for path, command in commands().items():
        if not path or path in {(group,) for group in SHARED_GROUPS}:
            continue  # the root and the shared groups: every module
        callback = command.callback
        if callback is None and hasattr(command, "commands"):
            continue  # a group without options of its own: its commands are checked
        assert callback is not None, path
        module = callback.__module__.removeprefix("twitchwise.cli.")
        assert ROUTES.get(route_of(path)) == module, path


def test_every_route_names_a_command_and_every_command_module_is_listed() -> None:
    paths = set(commands())
    assert all(route in paths for route in ROUTES)
    registering = {
        info.name
        for info in pkgutil.iter_modules(twitchwise.cli.__path__)
        if not info.name.startswith("_")
    }
    assert set(MODULES) == registering
    assert set(ROUTES.values()) == registering


_PROBE = """
import json, sys
from typer.testing import CliRunner
from twitchwise.cli._commands import load

module, paths = sys.argv[1], json.loads(sys.argv[2])
runner = CliRunner()
alone = load([*paths[0]])
loaded = sorted(m.removeprefix("twitchwise.cli.") for m in sys.modules
                if m.startswith("twitchwise.cli.") and not m.startswith("twitchwise.cli._"))
before = [runner.invoke(alone, [*p, "--help"]).output for p in paths]
everything = load()
after = [runner.invoke(everything, [*p, "--help"]).output for p in paths]
print("RESULT " + json.dumps([loaded, before == after, before[0][:200]]))
"""


@pytest.mark.parametrize("module", MODULES)
def test_a_command_loaded_alone_runs_and_helps_as_with_every_command(module: str) -> None:
    """In a fresh interpreter: loading one command's route loads that module only, and each of
    its commands' help reads exactly as it does with every command loaded."""
    paths = [list(path) for path in commands() if path and ROUTES.get(route_of(path)) == module]
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, module, json.dumps(paths)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    line = [x for x in done.stdout.splitlines() if x.startswith("RESULT ")]
    assert line, done.stdout + done.stderr
    loaded, same, first = json.loads(line[-1].removeprefix("RESULT "))
    assert loaded == [module]
    assert same, first
    assert "Usage:" in first


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["log", "left_thigh"], ("log",)),
        (["--db", "x.db", "--as", "a@b.org", "checkin", "--sleep-hours", "7"], ("checkin",)),
        (["--db=x.db", "import", "apple-health", "e.xml"], ("import", "apple-health")),
        (["import", "--help"], ("import",)),
        (["export", "fhir", "--out", "f.json"], ("export", "fhir")),
        (["diary", "show"], ("diary",)),
        (["--help"], ()),
        ([], ()),
        (["--db", "log"], ()),  # "log" is the value of --db
    ],
)
def test_the_command_is_found_after_the_root_options(
    argv: list[str], words: tuple[str, ...]
) -> None:
    assert split_command(argv)[0] == words

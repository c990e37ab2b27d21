"""How the CLI reports bad input: one clear line naming the field, exit status 2, no traceback."""

from __future__ import annotations

from typing import TYPE_CHECKING, NoReturn

import typer
from rich.console import Console

if TYPE_CHECKING:
    from pydantic import ValidationError

err_console = Console(stderr=True)


def fail(message: str, code: int = 2) -> NoReturn:
    """Print `message` on stderr and exit with `code`."""
    err_console.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)


def describe_validation_error(exc: ValidationError, prefix: str = "") -> str:
    """One line per problem, each naming the field path (`factors.sleep_hours: ...`)."""
    lines = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err["loc"])
        where = f"{prefix}{loc}" if loc else (prefix.rstrip(".") or "input")
        lines.append(f"{where}: {err['msg']}")
    return "\n".join(lines)

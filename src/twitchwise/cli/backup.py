"""`twitchwise backup FILE.zip` and `twitchwise restore FILE.zip [--replace]`: the whole diary."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.prompt import Prompt

from ._app import app
from ._errors import fail
from ._open import open_diary

console = Console(soft_wrap=True)


def _counts(counts: dict[str, int]) -> str:
    from twitchwise.backup import describe_counts

    return ", ".join(f"{n} {label}" for label, n in describe_counts(counts))


@app.command()
def backup(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(metavar="FILE.zip", help="The backup file to write.")],
) -> None:
    """Write everything in the diary to one zip file (CSV and JSON Lines plus a manifest)."""
    from twitchwise.backup import write_backup
    from twitchwise.diary import DiaryError

    with open_diary(ctx) as diary:
        try:
            summary = write_backup(diary, file)
        except DiaryError as exc:
            fail(str(exc))
    console.print(f"Backed up {_counts(summary.counts)} to {file}.")


@app.command()
def restore(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(metavar="FILE.zip", help="A backup made by `backup`.")],
    replace: Annotated[
        bool,
        typer.Option("--replace", help="Replace a diary that is not empty (asks first)."),
    ] = False,
    yes: Annotated[
        bool, typer.Option("--yes", help="With --replace: replace without asking.")
    ] = False,
) -> None:
    """Restore a backup: the whole file is checked first, then written all at once or not at all.

    Only an empty diary is restored into, unless --replace is given and confirmed.
    """
    from twitchwise.backup import read_backup
    from twitchwise.diary import DiaryError

    with open_diary(ctx) as diary:
        try:
            checked = read_backup(file, diary.tables())
            if not diary.is_empty():
                if not replace:
                    fail(
                        "diary: is not empty; nothing was restored (use --replace to replace "
                        "everything in it with the backup)"
                    )
                if not yes:
                    made = checked.manifest.get("created_at", "an unknown time")
                    console.print(f"{file} holds {_counts(checked.counts)} (made {made}).")
                    _confirm(file)
            diary.replace_tables(checked.rows, replace=replace)
        except DiaryError as exc:
            fail(f"{file}: nothing was restored:\n{exc}")
    console.print(f"Restored {_counts(checked.counts)} from {file}.")


def _confirm(file: Path) -> None:
    answer = Prompt.ask(
        f"This deletes everything in your diary and puts the content of {file} in its place. "
        "Type [bold]replace[/] to confirm",
        default="",
    )
    if answer.strip().lower() != "replace":
        fail("yes: nothing was restored (confirm with --yes or by typing replace)", code=1)

"""`twitchwise export fhir FILE.json`: the diary as one FHIR R4 Bundle for a clinician's system."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from ._app import export_app
from ._errors import fail
from ._open import open_diary

console = Console(soft_wrap=True)


@export_app.command("fhir")
def export_fhir(
    ctx: typer.Context,
    file: Annotated[
        Path, typer.Argument(metavar="FILE.json", help="Where to write the FHIR R4 Bundle (JSON).")
    ],
    report: Annotated[
        bool,
        typer.Option(
            "--report/--no-report",
            help="Include the doctor report of the last 90 days (PDF) as a DocumentReference.",
        ),
    ] = True,
) -> None:
    """Write the diary as one FHIR R4 Bundle: twitches, check-ins, daily values, the latest
    assessment and the doctor report, with who each came from. See docs/reference/fhir.md for
    every code used."""
    from twitchwise.backup import app_version
    from twitchwise.fhir import build_bundle, bundle_json, report_document

    with open_diary(ctx) as diary:
        document = report_document(diary) if report else None
        documents = [document] if document is not None else []
        bundle = build_bundle(diary, documents=documents, app_version=app_version())
    kinds: dict[str, int] = {}
    for entry in bundle["entry"]:
        kind = entry["resource"]["resourceType"]
        kinds[kind] = kinds.get(kind, 0) + 1
    try:
        _write(file, bundle_json(bundle))
    except OSError as exc:
        fail(f"FILE: cannot write {file}: {exc.strerror}")
    summary = ", ".join(f"{n} {kind}" for kind, n in sorted(kinds.items()))
    console.print(f"Wrote a FHIR R4 Bundle ({summary}) to {file}.")


def _write(path: Path, data: bytes) -> None:
    """Through a temporary file beside `path`, so a crash never leaves half a bundle."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise

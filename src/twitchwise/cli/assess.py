"""`twitchwise assess`: the interview in the terminal, or a batch of cases from JSON."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape

from ._app import app
from ._errors import describe_validation_error, fail
from ._open import open_diary

if TYPE_CHECKING:
    from twitchwise.diary import Diary, DiaryFacts
    from twitchwise.engine import Assessment, Case
    from twitchwise.engine.interview import Interview, Question

BACK = frozenset({"back", "b", "go back", "previous", "<"})
ANSWER_NOT_COMMAND = frozenset({"back", "b"})  # on the sites question, "back" is a place
QUIT = frozenset({"quit", "q", "exit"})
SAFETY_LINE = (
    "If you have trouble breathing, sudden weakness of one side, sudden slurred speech, or feel "
    "very unwell, call your emergency number now (999 in the UK, 112 in Europe, 911 in North "
    "America)."
)
METADATA_KEYS = ("id", "note")


def _load_json(path: str) -> Any:
    from twitchwise.engine import CaseJSONError, loads_case_json

    try:
        text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        fail(f"cannot read {path}: {exc.strerror}")
    except UnicodeDecodeError:
        fail(f"{path} is not UTF-8 text")
    try:
        return loads_case_json(text)
    except json.JSONDecodeError as exc:
        fail(f"{path} is not valid JSON: line {exc.lineno} column {exc.colno}: {exc.msg}")
    except CaseJSONError as exc:
        fail(f"{path}: {exc}")


def _parse_case(raw: Any, prefix: str) -> tuple[Case, dict[str, Any]] | str:
    """The case and its metadata, or the message saying what is wrong with it."""
    if not isinstance(raw, dict):
        return f"{prefix.rstrip(': ') or 'input'}: a case must be a JSON object"
    from pydantic import ValidationError

    from twitchwise.engine import Case

    meta = {k: raw[k] for k in METADATA_KEYS if k in raw}
    body = {k: v for k, v in raw.items() if k not in METADATA_KEYS}
    try:
        return Case.model_validate(body), meta
    except ValidationError as exc:
        return describe_validation_error(exc, prefix)


def parse_cases(raw: Any) -> tuple[list[tuple[Case, dict[str, Any]]], bool]:
    """The cases in a JSON document (one object or a list) and whether it was a list. Every
    bad case is reported, not only the first, so a batch can be fixed in one go."""
    items = raw if isinstance(raw, list) else [raw]
    prefixes = [f"case {i}: " for i in range(1, len(items) + 1)] if isinstance(raw, list) else [""]
    parsed = [_parse_case(item, p) for item, p in zip(items, prefixes, strict=True)]
    errors = [p for p in parsed if isinstance(p, str)]
    if errors:
        fail("\n".join(errors))
    return [p for p in parsed if not isinstance(p, str)], isinstance(raw, list)


def _output(result: Assessment, meta: dict[str, Any]) -> dict[str, Any]:
    out = result.model_dump(mode="json")
    return {"id": meta["id"], **out} if "id" in meta else out


def _ask(console: Console, q: Question, step: tuple[int, int]) -> str:
    console.print(f"\n[dim]Question {step[0] + 1} of about {step[1]}[/]")
    console.print(f"[bold]{escape(q.text)}[/]")
    if q.help:
        console.print(f"[dim]{escape(q.help)}[/]")
    for i, opt in enumerate(q.options, 1):
        console.print(f"  {i:>2}. {escape(opt.label)}")
    hints = {
        "yes_no": "yes/no",
        "multi": "numbers separated by commas",
        "sites": "numbers separated by commas",
        "choice": "a number",
        "number": q.unit or "a number",
        "text_list": 'comma-separated, or "none"',
    }
    extra = ", Enter to skip" if q.optional else ""
    if q.phase == "emergency":
        extra = "; not sure counts as yes: if you are not sure, call now"
    back = "go back" if q.kind == "sites" else "back"
    return console.input(f"[cyan]({escape(hints[q.kind])}{extra}; {back}, quit)[/] > ").strip()


def _is_back(q: Question, reply: str) -> bool:
    text = " ".join(reply.lower().split())
    return text in BACK and not (q.kind == "sites" and text in ANSWER_NOT_COMMAND)


def _show_medicines(console: Console, iv: Interview) -> None:
    """Say what was understood from the medicines typed, and what was not."""
    from twitchwise.engine.interview import medicines_read

    understood, unrecognised = medicines_read(iv)
    for line in understood:
        console.print(f"  [green]understood[/] {escape(line)}", highlight=False)
    for typed in unrecognised:
        console.print(
            f"  [yellow]not recognised[/] {escape(typed)}: check the leaflet or ask a "
            "pharmacist whether it can cause twitching",
            highlight=False,
        )


def run_interview(console: Console, known: dict[str, Any] | None = None) -> Interview | None:
    """Ask until complete; None if the person quits."""
    from twitchwise.engine.interview import AnswerError, Interview

    iv = Interview(known=known)
    console.print(
        "[bold]twitchwise assessment[/]: a few questions, urgent ones first. "
        "Type [cyan]back[/] to change your last answer, [cyan]quit[/] to stop."
    )
    while (q := iv.next_question()) is not None:
        try:
            reply = _ask(console, q, iv.progress)
        except EOFError:
            return None
        if reply.lower() in QUIT:
            return None
        if _is_back(q, reply):
            iv.back()
            continue
        try:
            iv.answer(q.id, reply)
        except AnswerError as exc:
            console.print(f"[red]{escape(exc.message)}[/]", highlight=False)
            continue
        if q.kind == "text_list":
            _show_medicines(console, iv)
    console.print()
    return iv


def _diary_reasons(result: Assessment, facts: DiaryFacts) -> list[str]:
    """For each red flag, the diary facts behind the case fields that raised it."""
    by_field: dict[str, list[str]] = {}
    for fact in facts.facts:
        by_field.setdefault(fact.field.partition(".")[0], []).append(fact.sentence)
    lines = []
    for flag in result.red_flag_details:
        sentences = [s for f in flag.fields if f in facts.known for s in by_field.get(f, [])]
        if sentences:
            lines.append(f"{flag.title}: " + "; ".join(dict.fromkeys(sentences)))
    return lines


def _interview_and_record(
    console: Console, diary: Diary, known: dict[str, Any] | None, origin: str
) -> Assessment:
    """Run the interview and keep the case and result in the diary's history of advice."""
    iv = run_interview(console, known=known)
    if iv is None:
        console.print("Stopped; nothing was saved.")
        console.print(f"[bold]{SAFETY_LINE}[/]", highlight=False)
        raise typer.Exit(1)
    result = iv.assessment()
    diary.record_assessment(iv.told(), result.model_dump(mode="json"), origin=origin)
    return result


def _assess_from_diary(ctx: typer.Context, console: Console, as_json: bool) -> None:
    from twitchwise.diary import case_facts_from_diary

    from ._render import render_assessment

    with open_diary(ctx) as diary:
        facts = case_facts_from_diary(diary, date.today())
        err = Console(stderr=True) if as_json else console
        for fact in facts.facts:
            err.print(f"[dim]From your diary:[/] {escape(fact.sentence)}")
        result = _interview_and_record(err, diary, facts.known, origin="cli-diary")
        reasons = _diary_reasons(result, facts)
    if as_json:
        payload = {**result.model_dump(mode="json"), "diary_reasons": reasons}
        typer.echo(json.dumps(payload, indent=2, ensure_ascii=False))
        return
    render_assessment(console, result)
    for line in reasons:
        console.print(f"[bold]From your diary[/] {escape(line)}")


@app.command("assess")
def assess_command(
    ctx: typer.Context,
    case: Annotated[
        str | None,
        typer.Option("--case", help="JSON case file (an object or a list), or - for stdin."),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print JSON (case-format output).")
    ] = False,
    from_diary: Annotated[
        bool, typer.Option("--diary", help="Start from your diary; ask only what it can't answer.")
    ] = False,
) -> None:
    """Assess your twitching: how urgent it is, the likely causes and a plan.

    The interview's results are kept in your diary's history of advice; --case batches are not.
    """
    from twitchwise.engine import assess

    from ._render import render_assessment

    console = Console()
    if from_diary:
        if case is not None:
            fail("--diary and --case cannot be combined")
        _assess_from_diary(ctx, console, as_json)
        return
    if case is None:
        with open_diary(ctx) as diary:
            result = _interview_and_record(console, diary, None, origin="cli")
        if as_json:
            typer.echo(json.dumps(result.model_dump(mode="json"), indent=2))
        else:
            render_assessment(console, result)
        return
    cases, is_list = parse_cases(_load_json(case))
    results = [(assess(c), meta) for c, meta in cases]
    if as_json:
        payload: Any = [_output(r, m) for r, m in results]
        typer.echo(json.dumps(payload if is_list else payload[0], indent=2, ensure_ascii=False))
        return
    for result, meta in results:
        if "id" in meta:
            console.rule(escape(str(meta["id"])))
        render_assessment(console, result)

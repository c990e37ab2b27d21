"""`twitchwise log`, `checkin`, `diary` (view, edit, delete) and `erase`: the diary by hand."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer
from rich.console import Console

from twitchwise.diary._errors import DiaryError
from twitchwise.diary._when import EXAMPLES, parse_day, parse_when
from twitchwise.engine._vocab import SITE_IDS, SYMPTOM_IDS, site_label

from ._app import app, db_url
from ._diary_render import render_overview, render_twitches, twitch_line
from ._errors import fail
from ._open import open_diary, quickly

if TYPE_CHECKING:
    from twitchwise.diary import CheckIn

T = TypeVar("T")
console = Console(soft_wrap=True)  # messages are not hard-wrapped: paths and ids stay whole
diary_app = typer.Typer(help="Show the diary; edit or delete entries.", no_args_is_help=False)
app.add_typer(diary_app, name="diary")


def _site(raw: str) -> str:
    site = "_".join(raw.strip().lower().replace("-", " ").split())
    if site not in SITE_IDS:
        fail(f"site: unknown site {raw!r}; use one of {', '.join(SITE_IDS)}")
    return site


def _guard(action: Callable[[], Any]) -> Any:
    try:
        return action()
    except DiaryError as exc:
        fail(str(exc))


# -- log ------------------------------------------------------------------------------------


@app.command()
def log(
    ctx: typer.Context,
    site: Annotated[
        str, typer.Argument(help="Where: a site id like left_thigh, eyelid, right_calf.")
    ],
    at: Annotated[str, typer.Option("--at", help=f"When: {EXAMPLES}.")] = "now",
    intensity: Annotated[
        int | None, typer.Option(help="1 (barely noticeable) to 5 (strong).")
    ] = None,
    count: Annotated[int, typer.Option(help="Twitches in this episode.")] = 1,
    duration: Annotated[float | None, typer.Option(help="How long it lasted, seconds.")] = None,
    note: Annotated[str | None, typer.Option(help="Anything worth remembering.")] = None,
) -> None:
    """Log a twitch episode in one short command."""
    site_id = _site(site)
    when = _guard(lambda: parse_when(at))
    fields: dict[str, Any] = {"intensity": intensity, "count": count}
    fields |= {"duration_s": duration, "note": note}
    twitch = quickly(ctx, lambda quick: quick.add_twitch(db_url(ctx), site_id, when, **fields))
    if twitch is None:
        with open_diary(ctx) as diary:
            twitch = _guard(lambda: diary.add_twitch(site_id, when, **fields))
    console.print(f"Logged {twitch_line(twitch)}.")


# -- checkin --------------------------------------------------------------------------------

_FORM: tuple[tuple[str, str], ...] = (
    ("sleep_hours", "Hours slept last night"),
    ("caffeine_mg", "Caffeine today: mg, or drinks like '2 coffees, 1 cola'"),
    ("alcohol_drinks", "Alcohol today, standard drinks"),
    ("water_litres", "Fluids today, litres"),
    ("stress_level", "Stress today, 0 (none) to 10 (extreme)"),
    ("exercise_minutes", "Exercise today, minutes"),
    ("hard_exercise", "Was it hard or unusual for you? (yes/no)"),
    ("symptoms", "Other symptoms (ids, comma-separated, or 'none')"),
    ("medications", "Medications taken (comma-separated, or 'none')"),
    ("notes", "Notes"),
)


_LABELS = {
    "sleep_hours": "sleep (h)",
    "caffeine_mg": "caffeine (mg)",
    "alcohol_drinks": "alcohol (drinks)",
    "water_litres": "fluids (L)",
    "stress_level": "stress",
    "exercise_minutes": "exercise (min)",
    "hard_exercise": "hard exercise",
    "symptoms": "symptoms",
    "medications": "medications",
    "notes": "notes",
}


def _caffeine(raw: str) -> float:
    """mg from '250', '250 mg' or drinks ('2 coffees, 1 cola'), telling the person the sum."""
    text = raw.strip().lower().removesuffix("mg").strip()
    try:
        return float(text)
    except ValueError:
        from twitchwise.diary._drinks import parse_drinks

        total, items = parse_drinks(raw, field="caffeine_mg")
        console.print(f"[dim]caffeine: {' + '.join(i.describe() for i in items)} = {total:g} mg[/]")
        return total


def _form_value(name: str, raw: str) -> Any:
    """Turn one typed answer into a check-in value; raises DiaryError naming the field."""
    raw = raw.strip()
    if name == "caffeine_mg":
        return _caffeine(raw)
    if name == "hard_exercise":
        if raw.lower() not in ("yes", "y", "no", "n"):
            raise DiaryError(name, "answer yes or no")
        return raw.lower().startswith("y")
    if name in ("symptoms", "medications"):
        if raw.lower() == "none":
            return ()
        return tuple(p.strip() for p in raw.split(",") if p.strip())
    return raw


def _checked(name: str, value: Any) -> Any:
    from twitchwise.diary._validate import check_checkin

    clean, problems = check_checkin({name: value})
    if problems:
        raise DiaryError.from_problems(problems)
    return clean[name]


def _current(checkin: CheckIn | None, name: str) -> str | None:
    value = getattr(checkin, name) if checkin else None
    if value is None or value == ():
        return None
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, tuple):
        return ", ".join(value)
    return f"{value:g}" if isinstance(value, float) else str(value)


def _interactive(existing: CheckIn | None, day: date) -> dict[str, Any]:
    from rich.prompt import Prompt

    console.print(f"[bold]Check-in for {day:%A %d %B %Y}[/] [dim](Enter skips a question)[/]")
    console.print(f"[dim]Symptom ids: {', '.join(SYMPTOM_IDS)}[/]")
    values: dict[str, Any] = {}
    for name, question in _FORM:
        while True:
            current = _current(existing, name)
            raw = Prompt.ask(question, default=current or "", show_default=current is not None)
            if not raw.strip():
                break
            try:
                values[name] = _checked(name, _form_value(name, raw))
                break
            except DiaryError as exc:
                console.print(f"[red]{exc}[/]")
    return values


@app.command()
def checkin(
    ctx: typer.Context,
    day: Annotated[
        str, typer.Option("--date", help="The day: today, yesterday or 2026-03-02.")
    ] = "today",
    sleep_hours: Annotated[float | None, typer.Option(help="Hours slept the night before.")] = None,
    caffeine_mg: Annotated[float | None, typer.Option(help="Caffeine that day, mg.")] = None,
    caffeine: Annotated[
        str | None,
        typer.Option(help="Caffeine as drinks: '2 coffees, 1 cola' (see docs/diary.md)."),
    ] = None,
    alcohol_drinks: Annotated[float | None, typer.Option(help="Standard drinks that day.")] = None,
    water_litres: Annotated[float | None, typer.Option(help="Fluids that day, litres.")] = None,
    stress_level: Annotated[
        float | None, typer.Option(help="Stress, 0 (none) to 10 (extreme).")
    ] = None,
    exercise_minutes: Annotated[float | None, typer.Option(help="Minutes of exercise.")] = None,
    hard_exercise: Annotated[
        bool | None,
        typer.Option("--hard-exercise/--no-hard-exercise", help="Hard or unusual exercise?"),
    ] = None,
    symptom: Annotated[
        list[str] | None, typer.Option(help="A symptom id (repeat for more).")
    ] = None,
    medication: Annotated[
        list[str] | None, typer.Option(help="A medication taken (repeat).")
    ] = None,
    notes: Annotated[str | None, typer.Option(help="Free text.")] = None,
) -> None:
    """Record a day's check-in with flags, or answer a short form when no flags are given.

    Flags change only what they name; the rest of that day's check-in stays as it was.
    """
    the_day = _guard(lambda: parse_day(day))
    if caffeine is not None and caffeine_mg is not None:
        fail("caffeine: give --caffeine or --caffeine-mg, not both")
    given = {
        "sleep_hours": sleep_hours,
        "caffeine_mg": caffeine_mg,
        "alcohol_drinks": alcohol_drinks,
        "water_litres": water_litres,
        "stress_level": stress_level,
        "exercise_minutes": exercise_minutes,
        "hard_exercise": hard_exercise,
        "symptoms": tuple(symptom) if symptom else None,
        "medications": tuple(medication) if medication else None,
        "notes": notes,
    }
    values: dict[str, Any] = {k: v for k, v in given.items() if v is not None}
    if caffeine is not None:
        values["caffeine_mg"] = _guard(lambda: _caffeine(caffeine))
    saved = quickly(ctx, lambda quick: quick.save_checkin(db_url(ctx), the_day, values))
    if saved is None:
        with open_diary(ctx) as diary:
            if not values:
                try:
                    values = _interactive(diary.get_checkin(the_day), the_day)
                except EOFError:
                    fail(
                        "checkin: no answers (input ended); give values as flags, "
                        "e.g. --sleep-hours 7"
                    )
            saved = _guard(lambda: diary.save_checkin(the_day, **values))
    filled = [f"{_LABELS[name]} {value}" for name in _LABELS if (value := _current(saved, name))]
    console.print(
        f"Saved the check-in for {saved.day}: {', '.join(filled) or 'no values (a tracked day)'}."
    )


# -- diary: view, edit, delete ----------------------------------------------------------------


@diary_app.callback(invoke_without_command=True)
def show(
    ctx: typer.Context,
    weeks: Annotated[int, typer.Option(min=1, max=52, help="How many weeks to show.")] = 4,
    entries: Annotated[int, typer.Option(min=0, help="How many recent twitches to list.")] = 10,
) -> None:
    """The last weeks: twitches a day as a sparkline, sites, check-ins and recent entries."""
    if ctx.invoked_subcommand is not None:
        return
    today = date.today()
    start = today - timedelta(days=7 * weeks - 1)
    with open_diary(ctx) as diary:
        twitches = diary.list_twitches(start, today)
        checkins = diary.list_checkins(start, today)
    render_overview(console, today, weeks, twitches, checkins)
    if entries:
        render_twitches(console, twitches[-entries:])


@diary_app.command()
def edit(
    ctx: typer.Context,
    twitch_id: Annotated[
        int, typer.Argument(metavar="ID", help="The twitch's id (see `twitchwise diary`).")
    ],
    site: Annotated[str | None, typer.Option(help="New site id.")] = None,
    at: Annotated[str | None, typer.Option("--at", help=f"New time: {EXAMPLES}.")] = None,
    intensity: Annotated[int | None, typer.Option(help="New intensity, 1 to 5.")] = None,
    count: Annotated[int | None, typer.Option(help="New count.")] = None,
    duration: Annotated[float | None, typer.Option(help="New duration, seconds.")] = None,
    note: Annotated[str | None, typer.Option(help="New note ('' clears it).")] = None,
) -> None:
    """Change a logged twitch. (Change a check-in with `twitchwise checkin --date D ...`.)"""
    changes: dict[str, Any] = {
        k: v
        for k, v in {
            "intensity": intensity,
            "count": count,
            "duration_s": duration,
            "note": note,
        }.items()
        if v is not None
    }
    if site is not None:
        changes["site"] = _site(site)
    if at is not None:
        changes["time"] = _guard(lambda: parse_when(at))
    if not changes:
        fail("edit: say what to change, e.g. --intensity 2 or --at 'yesterday 21:30'")
    with open_diary(ctx) as diary:
        twitch = _guard(lambda: diary.update_twitch(twitch_id, **changes))
    console.print(f"Changed {twitch_line(twitch)}.")


@diary_app.command()
def delete(
    ctx: typer.Context,
    twitch_id: Annotated[
        int | None, typer.Argument(metavar="[ID]", help="The twitch's id.")
    ] = None,
    checkin_day: Annotated[
        str | None, typer.Option("--checkin", help="Delete this day's check-in instead.")
    ] = None,
) -> None:
    """Delete a twitch by id, or a check-in by day (--checkin 2026-03-02). Prints what went."""
    if (twitch_id is None) == (checkin_day is None):
        fail("delete: give a twitch ID or --checkin DAY (one of them)")
    with open_diary(ctx) as diary:
        if twitch_id is not None:
            twitch = _guard(lambda: diary.get_twitch(twitch_id))
            _guard(lambda: diary.delete_twitch(twitch_id))
            console.print(f"Deleted {twitch_line(twitch)}.")
            return
        the_day = _guard(lambda: parse_day(checkin_day or "", field="checkin"))
        _guard(lambda: diary.delete_checkin(the_day))
        console.print(f"Deleted the check-in of {the_day}.")


# -- erase ----------------------------------------------------------------------------------


@app.command()
def erase(
    ctx: typer.Context,
    yes: Annotated[
        bool, typer.Option("--yes", help="Really delete everything, without asking.")
    ] = False,
) -> None:
    """Delete all your diary data: twitches, check-ins, imports, assessments, experiments."""
    from rich.prompt import Prompt

    with open_diary(ctx) as diary:
        if not yes:
            answer = Prompt.ask(
                "This deletes your whole diary. Type [bold]erase[/] to confirm", default=""
            )
            if answer.strip().lower() != "erase":
                fail("yes: nothing was deleted (confirm with --yes or by typing erase)", code=1)
        diary.erase()
    from twitchwise.uploads import remove_uploads

    remove_uploads(everything=True)  # copies of uploaded exports waiting to be imported
    console.print("Your diary is empty now.")


__all__ = ["checkin", "delete", "edit", "erase", "log", "show", "site_label"]

"""`twitchwise insights` and `twitchwise experiment start|status|report|end`.

Thin: read the diary, call twitchwise.stats, present. Plans are stored through the diary's
experiments API as the plan's JSON.
"""

from __future__ import annotations

import json
from datetime import date
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from twitchwise.diary._errors import DiaryError
from twitchwise.knowledge._keys import experiment_keys

from ._app import app
from ._errors import fail
from ._open import open_diary

if TYPE_CHECKING:
    from twitchwise.diary import Diary
    from twitchwise.stats import ExperimentPlan, InsightsReport

console = Console()
experiment_app = typer.Typer(
    help="Test one change properly: an N-of-1 self-experiment with randomised phases.",
    no_args_is_help=True,
)
app.add_typer(experiment_app, name="experiment")


def _day(raw: str | None, field: str) -> date:
    if raw is None or raw.strip().lower() == "today":
        return date.today()
    try:
        return date.fromisoformat(raw.strip())
    except ValueError:
        fail(f"{field}: {raw!r} is not a day; use YYYY-MM-DD or today")


def _print_json(data: object) -> None:
    typer.echo(json.dumps(data, indent=2, ensure_ascii=False))


def _fmt(value: float | None, digits: int = 2) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


# -- insights -------------------------------------------------------------------------------


def _render_insights(report: InsightsReport) -> None:
    estimated = [f for f in report.factors if f.rate_ratio is not None]
    table = Table(title=f"What goes with your twitching ({report.tracked_days} tracked days)")
    for name in ("factor", "when", "rate ratio", "95% interval", "per", "p (Holm)", "days"):
        table.add_column(name, justify="left" if name in ("factor", "when", "per") else "right")
    for f in estimated:
        table.add_row(
            f.label or f.factor,
            "day after" if f.lag_days else "same day",
            ("[bold]" if f.significant else "") + _fmt(f.rate_ratio),
            f"{_fmt(f.ci_low)} to {_fmt(f.ci_high)}",
            f.per,
            _fmt(f.p_adjusted, 3),
            str(f.n_days),
        )
    if estimated:
        console.print(table)
        console.print(
            "A rate ratio of 1.30 means about 30% more twitch episodes per unit; below 1 means "
            "fewer. Bold ones held up after allowing for all the comparisons. These are links "
            "in your diary, not proof of what drives your twitching."
        )
    notable = [f for f in estimated if f.significant]
    if notable:
        console.print()
        for f in notable:
            console.print(f"• {f.sentence}")
    elif estimated:
        console.print("\nNo factor stands out clearly yet.")
    waiting = [f for f in report.factors if f.rate_ratio is None]
    if waiting:
        console.print()
        for f in waiting:
            console.print(f"[dim]• {f.sentence}[/]")


@app.command()
def insights(
    ctx: typer.Context,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the insights as JSON (the documented shape).")
    ] = False,
) -> None:
    """Which daily factors go with more or fewer twitches, same day and the day after."""
    from twitchwise.stats import count_trend, factor_insights

    with open_diary(ctx) as diary:
        frame = diary.daily_frame()
    report = factor_insights(frame)
    if as_json:
        _print_json(report.model_dump(mode="json"))
        return
    trend = count_trend(frame["twitches"]) if "twitches" in frame.columns else None
    if report.tracked_days == 0:
        console.print(
            "No tracked days yet. Fill in the daily check-in (`twitchwise checkin`) and log "
            "twitches (`twitchwise log`); insights need about four weeks of check-ins."
        )
        return
    _render_insights(report)
    for note in report.notes:
        console.print(f"[yellow]Note:[/] {note}")
    if trend is not None:
        console.print(f"\n[bold]Trend:[/] {trend.sentence}")


# -- experiments ----------------------------------------------------------------------------


def _load_plan(raw: dict[str, Any], experiment_id: int) -> ExperimentPlan:
    from pydantic import ValidationError

    from twitchwise.stats import ExperimentPlan

    try:
        return ExperimentPlan.model_validate(raw)
    except ValidationError:
        fail(f"id: experiment {experiment_id} was not planned by this version of twitchwise")


def _active(diary: Diary) -> tuple[int, ExperimentPlan]:
    active = diary.active_experiment()
    if active is None:
        fail(
            "experiment: none is running; start one with "
            "`twitchwise experiment start --factor caffeine`"
        )
    return active[0], _load_plan(active[1], active[0])


def _render_phases(plan: ExperimentPlan) -> None:
    table = Table(title=f"{plan.title}: phases")
    for name in ("phase", "condition", "from", "to", "days", "washout"):
        table.add_column(name)
    for p in plan.phases:
        table.add_row(
            str(p.number),
            "A (usual)" if p.condition == "A" else "B (the change)",
            p.start.isoformat(),
            p.end.isoformat(),
            str(p.days),
            str(p.washout_days) if p.washout_days else "-",
        )
    console.print(table)


@experiment_app.command("start")
def experiment_start(
    ctx: typer.Context,
    factor: Annotated[str, typer.Option(help=f"What to change: {', '.join(experiment_keys())}.")],
    design: Annotated[
        str, typer.Option(help="Periods as AB pairs: AB, ABAB, ABABAB, ABBA ...")
    ] = "ABAB",
    phase_days: Annotated[int, typer.Option(help="Analysed days per phase.")] = 7,
    washout_days: Annotated[
        int, typer.Option(help="Extra days after each switch that are followed but not counted.")
    ] = 0,
    start: Annotated[
        str | None, typer.Option(help="First day, YYYY-MM-DD (default today).")
    ] = None,
    seed: Annotated[
        int | None, typer.Option(help="Seed for the random order (drawn and recorded if omitted).")
    ] = None,
    randomise: Annotated[
        bool, typer.Option("--randomise/--fixed-order", help="Randomise each AB pair's order.")
    ] = True,
    taper: Annotated[
        bool,
        typer.Option(
            "--taper/--no-taper",
            help="Caffeine only: cut down over the settling-in days (2 or more) of each B phase.",
        ),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the plan as JSON.")] = False,
) -> None:
    """Plan and start a self-experiment: A = your usual routine, B = the change."""
    from twitchwise.stats import ExperimentError, experiment_status, plan_experiment

    first = _day(start, "start")
    try:
        plan = plan_experiment(
            factor,
            design=design,
            phase_days=phase_days,
            washout_days=washout_days,
            start=first,
            seed=seed,
            randomise=randomise,
            taper=taper,
        )
    except ExperimentError as exc:
        fail(str(exc))
    from twitchwise.stats import design_warning, experiment_design  # heavy: only when planned

    with open_diary(ctx) as diary:
        try:
            experiment_id = diary.save_experiment(plan.model_dump(mode="json"))
        except DiaryError as exc:
            fail(str(exc))
        advice = experiment_design(diary.daily_frame(end=first), outcome=plan.outcome)
    if as_json:
        _print_json(
            {
                "id": experiment_id,
                "plan": plan.model_dump(mode="json"),
                "design": advice.model_dump(mode="json"),
            }
        )
        return
    console.print(
        f"Started experiment {experiment_id}: {plan.title.lower()}, design {plan.design}, "
        f"order {plan.order} (seed {plan.seed}), {plan.start.isoformat()} to "
        f"{plan.end.isoformat()}."
    )
    console.print(f"A: {plan.usual}\nB: {plan.change}")
    _render_phases(plan)
    console.print(f"[bold]What this design can show:[/] {advice.sentence}")
    warning = design_warning(advice, len(plan.design) // 2, plan.phase_days)
    if warning:
        hint = (
            f" Consider --design {advice.design} --phase-days {advice.phase_days}."
            if advice.design
            else ""
        )
        console.print(f"[yellow]{warning}{hint}[/]")
    console.print(experiment_status(plan, date.today()).sentence)


@experiment_app.command("status")
def experiment_status_cmd(
    ctx: typer.Context,
    today: Annotated[str | None, typer.Option(help="The day to ask about (default today).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the status as JSON.")] = False,
) -> None:
    """Which phase today is and what to do."""
    from twitchwise.stats import experiment_status

    day = _day(today, "today")
    with open_diary(ctx) as diary:
        experiment_id, plan = _active(diary)
    status = experiment_status(plan, day)
    if as_json:
        _print_json({"id": experiment_id} | status.model_dump(mode="json"))
        return
    console.print(f"[bold]Experiment {experiment_id}[/] ({plan.title.lower()}): {status.sentence}")
    if status.state == "finished":
        console.print(f"See it with `twitchwise experiment report --id {experiment_id}`.")


@experiment_app.command("report")
def experiment_report_cmd(
    ctx: typer.Context,
    experiment_id: Annotated[
        int | None, typer.Option("--id", help="Which experiment (default: the running one).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """B versus A so far: the rate ratio with its interval, and the CENT 2015 details."""
    from twitchwise.stats import experiment_report

    with open_diary(ctx) as diary:
        if experiment_id is None:
            experiment_id, plan = _active(diary)
        else:
            found = next((e for e in diary.list_experiments() if e.id == experiment_id), None)
            if found is None:
                fail(f"id: no experiment with id {experiment_id}")
            plan = _load_plan(found.plan, experiment_id)
        frame = diary.daily_frame(plan.start, plan.end)
    report = experiment_report(plan, frame, today=date.today())
    if as_json:
        _print_json({"id": experiment_id} | report.model_dump(mode="json"))
        return
    console.print(f"[bold]Experiment {experiment_id}[/] ({plan.title.lower()}): {report.sentence}")
    console.print(report.adherence)
    table = Table(title="Phases")
    for name in ("phase", "condition", "from", "to", "analysed days", "episodes a day"):
        table.add_column(name)
    for p in report.phases:
        table.add_row(
            str(p.number),
            p.condition,
            p.start.isoformat(),
            p.end.isoformat(),
            str(p.analysed_days),
            _fmt(p.mean_per_day, 1),
        )
    console.print(table)
    console.print("[bold]Reporting details (CENT 2015)[/]")
    for item in report.checklist:
        console.print(f"• {item.item}: {item.text}")


@experiment_app.command("end")
def experiment_end(
    ctx: typer.Context,
    experiment_id: Annotated[
        int | None, typer.Option("--id", help="Which experiment (default: the running one).")
    ] = None,
) -> None:
    """End the running experiment (its plan and report stay available with --id)."""
    with open_diary(ctx) as diary:
        if experiment_id is None:
            experiment_id, _ = _active(diary)
        try:
            diary.end_experiment(experiment_id)
        except DiaryError as exc:
            fail(str(exc))
    console.print(
        f"Ended experiment {experiment_id}. See it again with "
        f"`twitchwise experiment report --id {experiment_id}`."
    )

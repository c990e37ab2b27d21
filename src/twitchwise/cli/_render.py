"""Rich rendering of an assessment: the triage first and prominent, then reasons, causes, plan."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Console, Group
from rich.panel import Panel
from rich.text import Text

if TYPE_CHECKING:
    from twitchwise.engine import Assessment

STYLES = {
    "emergency": ("EMERGENCY", "bold white on red"),
    "urgent": ("SEE A DOCTOR TODAY", "bold black on yellow"),
    "doctor": ("BOOK A DOCTOR'S APPOINTMENT", "bold white on blue"),
    "self_care": ("LOOK AFTER IT AT HOME", "bold white on green"),
}


def _cite(source: str) -> str:
    from twitchwise.knowledge import load_knowledge

    src = load_knowledge().sources.get(source)
    return f"[dim](source: {src.title if src else source})[/]"


def render_assessment(console: Console, result: Assessment) -> None:
    """Print `result` for a person; an emergency shows what to do now before anything else."""
    label, style = STYLES[result.triage]
    console.print(Panel(Text(result.headline, style="bold"), title=label, style=style))
    if result.triage == "emergency":
        for item in result.plan:
            console.print(f"  • [bold]{item.text}[/]")
    if result.red_flag_details:
        lines = [
            f"• [bold]{f.title}[/] ({f.answer}). {f.why} {_cite(f.source)}"
            for f in result.red_flag_details
        ]
        console.print(Panel(Group(*map(Text.from_markup, lines)), title="Why"))
    if result.contributors:
        lines = [
            f"{i}. [bold]{c.title}[/]: {c.why} {_cite(c.source)}"
            for i, c in enumerate(result.contributors, 1)
        ]
        console.print(Panel(Group(*map(Text.from_markup, lines)), title="Likely everyday causes"))
    if result.triage != "emergency" and result.plan:
        lines = [f"• {p.text} {_cite(p.source)}" for p in result.plan]
        console.print(Panel(Group(*map(Text.from_markup, lines)), title="Your plan"))
    console.print(f"[dim]{result.disclaimer}[/]")

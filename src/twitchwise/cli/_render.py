"""Rich rendering of an assessment: the triage first and prominent, then reasons, causes, plan."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Console, Group
from rich.markup import escape
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
    return f"[dim](source: {escape(src.title if src else source)})[/]"


def render_assessment(console: Console, result: Assessment) -> None:
    """Print `result` for a person; an emergency shows what to do now before anything else.
    Everything that can contain what the person typed is escaped, so "Lasix [/] 40mg" is shown
    as typed instead of being read as markup."""
    label, style = STYLES[result.triage]
    console.print(Panel(Text(result.headline, style="bold"), title=label, style=style))
    if result.triage == "emergency":
        for item in result.plan:
            if item.text != result.headline:
                console.print(f"  • [bold]{escape(item.text)}[/]")
    if result.red_flag_details:
        lines = [
            f"• [bold]{escape(f.title)}[/] ({escape(f.answer)}). {escape(f.why)} {_cite(f.source)}"
            for f in result.red_flag_details
        ]
        console.print(Panel(Group(*map(Text.from_markup, lines)), title="Why"))
    _render_medicines(console, result)
    if result.contributors:
        lines = [
            f"{i}. [bold]{escape(c.title)}[/]: {escape(c.why)} {_cite(c.source)}"
            for i, c in enumerate(result.contributors, 1)
        ]
        console.print(Panel(Group(*map(Text.from_markup, lines)), title="Likely everyday causes"))
    if result.triage != "emergency" and result.plan:
        lines = [f"• {escape(p.text)} {_cite(p.source)}" for p in result.plan]
        console.print(Panel(Group(*map(Text.from_markup, lines)), title="Your plan"))
    console.print(f"[dim]{escape(result.disclaimer)}[/]")


def _render_medicines(console: Console, result: Assessment) -> None:
    """What was understood from the medicines, and what was not (never silently dropped)."""
    lines = [f"• {escape(m)}" for m in result.medications_understood]
    lines += [
        f"• [bold]Not recognised:[/] {escape(u)}. Check the leaflet or ask a pharmacist."
        for u in result.unrecognised_medications
    ]
    if lines:
        console.print(Panel(Group(*map(Text.from_markup, lines)), title="Your medicines"))

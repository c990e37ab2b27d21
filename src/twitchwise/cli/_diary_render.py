"""How the diary looks in a terminal: a sparkline of twitches a day, sites, check-ins, entries."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from datetime import date, timedelta
from typing import TYPE_CHECKING

from rich.console import Console
from rich.table import Table

from twitchwise.engine._vocab import site_label

if TYPE_CHECKING:
    from twitchwise.diary import CheckIn, Twitch

BARS = "▁▂▃▄▅▆▇█"
UNTRACKED = "·"


def sparkline(days: Sequence[date], counts: dict[date, int], tracked: set[date]) -> str:
    """One character a day: `·` untracked, `▁` no twitches, taller bars for more twitches."""
    top = max((counts.get(d, 0) for d in days), default=0)
    chars = []
    for day in days:
        n = counts.get(day, 0)
        if n == 0:
            chars.append(BARS[0] if day in tracked else UNTRACKED)
        else:
            chars.append(BARS[1 + round((len(BARS) - 2) * (n - 1) / max(top - 1, 1))])
    return "".join(chars)


def number(value: float | None, unit: str = "") -> str:
    if value is None:
        return "[dim]–[/]"
    return f"{value:g}{unit}"


def twitch_line(t: Twitch) -> str:
    parts = [f"#{t.id}", f"{t.time:%Y-%m-%d %H:%M}", site_label(t.site)]
    if t.count != 1:
        parts.append(f"× {t.count}")
    if t.intensity is not None:
        parts.append(f"intensity {t.intensity}")
    if t.duration_s is not None:
        parts.append(f"{t.duration_s:g} s")
    if t.note:
        parts.append(repr(t.note))
    return ", ".join(parts)


def render_overview(
    console: Console,
    today: date,
    weeks: int,
    twitches: Sequence[Twitch],
    checkins: Sequence[CheckIn],
) -> None:
    start = today - timedelta(days=7 * weeks - 1)
    days = [start + timedelta(days=i) for i in range((today - start).days + 1)]
    counts: Counter[date] = Counter()
    for t in twitches:
        counts[t.day] += t.count
    tracked = {c.day for c in checkins}
    total, logged = sum(counts.values()), len([d for d in days if counts[d]])
    console.print(
        f"[bold]Your diary, {start:%d %b} – {today:%d %b %Y}[/] ({weeks} week{'s' * (weeks != 1)})"
    )
    if not twitches and not checkins:
        console.print("Nothing logged yet. Log a twitch: [cyan]twitchwise log left_thigh[/]")
        return
    peak = max(counts.values(), default=0)
    console.print(f"Twitches a day  {sparkline(days, counts, tracked)}  (max {peak})")
    console.print(
        f"[dim]{' ' * 16}{start:%d %b}{' ' * max(len(days) - 12, 1)}{today:%d %b}   "
        f"{UNTRACKED} no check-in, {BARS[0]} none[/]"
    )
    console.print(f"{total} twitches on {logged} of {len(days)} days; {len(tracked)} check-ins.")
    _render_sites(console, today, twitches)
    _render_checkins(console, checkins[-7:])


def _render_sites(console: Console, today: date, twitches: Sequence[Twitch]) -> None:
    since = today - timedelta(days=13)
    per_site: Counter[str] = Counter()
    site_days: defaultdict[str, set[date]] = defaultdict(set)
    for t in twitches:
        if t.day >= since:
            per_site[t.site] += t.count
            site_days[t.site].add(t.day)
    if not per_site:
        return
    listed = ", ".join(
        f"{site_label(s)} {n} ({len(site_days[s])} day{'s' * (len(site_days[s]) != 1)})"
        for s, n in per_site.most_common()
    )
    console.print(f"Sites, last 14 days: {listed}")


def _render_checkins(console: Console, checkins: Sequence[CheckIn]) -> None:
    if not checkins:
        console.print("[dim]No check-ins in this period: add one with `twitchwise checkin`.[/]")
        return
    table = Table(title="Recent check-ins", title_justify="left")
    table.add_column("date", no_wrap=True)
    for header in ("sleep", "caffeine", "alcohol", "fluids", "stress", "exercise", "hard"):
        table.add_column(header, justify="right", no_wrap=True)
    for c in checkins:
        hard = "[dim]–[/]" if c.hard_exercise is None else ("yes" if c.hard_exercise else "no")
        table.add_row(
            c.day.isoformat(),
            number(c.sleep_hours, " h"),
            number(c.caffeine_mg, " mg"),
            number(c.alcohol_drinks),
            number(c.water_litres, " L"),
            number(c.stress_level),
            number(c.exercise_minutes, " min"),
            hard,
        )
    console.print(table)
    for c in checkins:
        parts = [
            f"symptoms: {', '.join(c.symptoms)}" if c.symptoms else "",
            f"medications: {', '.join(c.medications)}" if c.medications else "",
            f"notes: {c.notes}" if c.notes else "",
        ]
        if any(parts):
            console.print(f"  {c.day}: " + "; ".join(p for p in parts if p), highlight=False)


def render_twitches(console: Console, twitches: Sequence[Twitch]) -> None:
    if not twitches:
        return
    table = Table(title="Twitches (edit or delete by id)", title_justify="left")
    for header in ("id", "time", "site", "count", "intensity", "duration"):
        table.add_column(
            header, justify="right" if header in ("id", "count") else "left", no_wrap=True
        )
    table.add_column("note", overflow="fold")
    for t in twitches:
        table.add_row(
            str(t.id),
            f"{t.time:%Y-%m-%d %H:%M}",
            site_label(t.site),
            str(t.count),
            number(t.intensity),
            number(t.duration_s, " s"),
            t.note or "",
        )
    console.print(table)

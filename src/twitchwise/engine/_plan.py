"""The personal plan: urgent actions first, then strategies for the suggested causes."""

from __future__ import annotations

from string import Formatter

from twitchwise.knowledge import Strategy, load_knowledge

from ._assessment import Contributor, PlanItem, RaisedFlag
from ._context import CaseContext
from ._vocab import Triage


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in Formatter().parse(template) if name}


def _text(strategy: Strategy, ctx: CaseContext) -> str | None:
    values = ctx.template_values()
    if _fields(strategy.text) <= {k for k, v in values.items() if v != ""}:
        return strategy.text.format(**values)
    return strategy.text_unknown


def _applies(strategy: Strategy, triage: Triage, suggested: set[str], ctx: CaseContext) -> bool:
    return (
        triage.id in strategy.triage
        and (not strategy.serves or bool(suggested & set(strategy.serves)))
        and (strategy.when is None or ctx.holds(strategy.when))
    )


def _flag_actions(flags: list[RaisedFlag], triage: Triage) -> list[PlanItem]:
    """What to do now comes first. In an emergency that is the advice of every emergency flag
    (a stroke and a poisoning need different words); otherwise one step, the most urgent
    flag's, since each flag's own advice is shown beside it."""
    top = [f for f in flags if Triage.parse(f.level) == triage]
    if triage is not Triage.EMERGENCY:
        top = top[:1]
    advice = dict.fromkeys((f.advice, f.source, f.id) for f in top)
    return [PlanItem(id=f"act_{fid}", text=text, source=src) for text, src, fid in advice]


def plan_of(
    ctx: CaseContext, triage: Triage, flags: list[RaisedFlag], contributors: list[Contributor]
) -> list[PlanItem]:
    """Emergency plans say only what to do now; others add the strategies that fit."""
    actions = _flag_actions(flags, triage)
    if triage is Triage.EMERGENCY:
        return actions
    suggested: set[str] = {c.id for c in contributors}
    order = {c.id: i for i, c in enumerate(contributors)}
    chosen = [s for s in load_knowledge().strategies if _applies(s, triage, suggested, ctx)]
    chosen.sort(key=lambda s: min((order[c] for c in s.serves if c in order), default=99))
    items = [(s, _text(s, ctx)) for s in chosen]
    return actions + [PlanItem(id=s.id, text=t, source=s.source) for s, t in items if t]

"""Red flags and the triage level they raise to: the highest level of any flag that fires."""

from __future__ import annotations

from twitchwise.knowledge import RedFlag, load_knowledge

from ._assessment import RaisedFlag
from ._context import CaseContext
from ._vocab import Triage


def _raise(flag: RedFlag, ctx: CaseContext) -> RaisedFlag:
    level, why, source, advice = Triage.parse(flag.level), flag.why, flag.source, flag.advice
    answer = ctx.describe(flag.when)
    fields = flag.when.case_fields()
    for esc in flag.escalations:
        if ctx.holds(esc.when) and Triage.parse(esc.level) > level:
            level, why, source = Triage.parse(esc.level), esc.why, esc.source
            advice = esc.advice or advice
            answer = f"{answer}; {ctx.describe(esc.when)}"
            fields |= esc.when.case_fields()
    if flag.id == "persistent" and ctx.case.tried_lifestyle_changes:
        answer += ", despite lifestyle changes"
    return RaisedFlag(
        id=flag.id,
        level=level.id,
        title=flag.title,
        why=why,
        answer=answer,
        advice=advice,
        source=source,
        fields=sorted(fields),
    )


def raised_flags(ctx: CaseContext) -> list[RaisedFlag]:
    """Every red flag that fires, most urgent first (knowledge-file order within a level)."""
    raised = [_raise(f, ctx) for f in load_knowledge().red_flags if ctx.holds(f.when)]
    return sorted(raised, key=lambda r: -Triage.parse(r.level))


def triage_of(flags: list[RaisedFlag]) -> Triage:
    """The triage: self-care unless a red flag raises it."""
    return max((Triage.parse(f.level) for f in flags), default=Triage.SELF_CARE)

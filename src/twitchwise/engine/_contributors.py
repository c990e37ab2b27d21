"""Likely everyday causes, ranked by the weight of the person's own answers that point to them."""

from __future__ import annotations

from twitchwise.knowledge import Cause, Condition, load_knowledge

from ._assessment import Contributor
from ._context import CaseContext


def _excess(cond: Condition, ctx: CaseContext) -> float:
    """How far past its threshold a factor is (0 to 1), to rank equally weighted causes."""
    ratios = [
        abs(ctx.factors[k] - v) / max(v, 1e-9)
        for k, v in {**cond.factor_over, **cond.factor_at_least, **cond.factor_under}.items()
        if k in ctx.factors
    ]
    return min(1.0, max(ratios, default=0.0))


def _score(cause: Cause, ctx: CaseContext) -> Contributor | None:
    fired = [s for s in cause.signals if ctx.holds(s.when)]
    if not fired:
        return None
    values = ctx.template_values()
    return Contributor(
        id=cause.id,
        title=cause.title,
        why=" ".join(s.why.format(**values) for s in fired),
        explanation=cause.explanation,
        score=round(sum(s.weight + _excess(s.when, ctx) for s in fired), 3),
        source=fired[0].source or cause.source,
    )


def contributors_of(ctx: CaseContext) -> list[Contributor]:
    """Suggested causes, most likely first."""
    found = [c for c in (_score(k, ctx) for k in load_knowledge().causes.values()) if c]
    return sorted(found, key=lambda c: -c.score)

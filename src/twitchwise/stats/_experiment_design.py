"""Before an experiment starts: what it can detect, given this person's own variability.

A self-experiment that cannot show a difference only produces "this may be chance" after weeks
of effort, so the plan says up front how long the phases must be for a fair chance (80%) of
seeing a given drop, using the diary's own day-to-day spread and persistence.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from ._experiment import MAX_PERIODS
from ._insights import Outcome, _as_day
from ._randomisation import (
    ALPHA,
    POWER_TARGET,
    design_options,
    smallest_p,
    variability,
)
from ._text import pct_change


class ExperimentDesign(BaseModel):
    """The suggested design and the sentence that explains it."""

    model_config = ConfigDict(frozen=True)

    drop: float = Field(description="the drop in twitching to detect, as a share (0.3 = 30%)")
    history_days: int = Field(description="tracked days the variability was measured on")
    pairs: int | None = Field(description="suggested AB pairs; None when no design suffices")
    phase_days: int | None = Field(description="suggested days per phase")
    design: str | None = Field(description="e.g. ABABABABABAB (each pair's order then drawn)")
    power: float | None = Field(description="approximate chance of a clear answer if real")
    sentence: str


def experiment_design(
    frame: pd.DataFrame, *, drop: float = 0.3, outcome: Outcome = "episodes"
) -> ExperimentDesign:
    """What design shows a `drop` (0.3 = 30% fewer) with 80% power, from the diary so far.

    Only six or more randomised pairs can give an exact p below 5%, so the suggestion always uses
    the most pairs the app allows and picks the shortest phases that give 80% power.
    """
    pairs = MAX_PERIODS // 2
    values = (
        pd.to_numeric(frame[outcome], errors="coerce").to_numpy(dtype=np.float64)
        if outcome in frame.columns
        else np.zeros(0)
    )
    ordinals = np.array([_as_day(d).toordinal() for d in frame.index], dtype=np.int64)
    keep = np.isfinite(values) & (values >= 0)
    order = np.argsort(ordinals[keep], kind="stable")
    counts, ords = values[keep][order], ordinals[keep][order]
    consecutive = np.concatenate([[False], np.diff(ords) == 1]) if ords.size else ords.astype(bool)
    v = variability(counts, consecutive, drop)
    words = f"a {pct_change(1.0 - drop, signed=False)} drop"
    base = {"drop": drop, "history_days": int(counts.size)}
    if v is None or v.sd == 0.0:
        return ExperimentDesign(
            pairs=pairs,
            phase_days=14,
            design="AB" * pairs,
            power=None,
            sentence=(
                f"Too few tracked days yet to judge your own variability; a safe start is {pairs} "
                f"pairs of 14-day phases ({4 * 7 * pairs} days). With fewer than {pairs} pairs "
                f"no result can be told from chance (the smallest possible p with 5 pairs is "
                f"{smallest_p(5):.2f})."
            ),
            **base,
        )
    options = design_options(v, pairs)
    good = [o for o in options if o.power >= POWER_TARGET]
    if not good:
        best = options[-1]
        return ExperimentDesign(
            pairs=None,
            phase_days=None,
            design=None,
            power=best.power,
            sentence=(
                f"Your twitching varies so much, in such long spells ({v.days} tracked days), that "
                f"even {pairs} pairs of {best.phase_days}-day phases would show {words} only about "
                f"{best.power:.0%} of the time; a shorter experiment would most likely end with "
                "'this may be chance'. A larger change would be easier to see."
            ),
            **base,
        )
    pick = good[0]
    return ExperimentDesign(
        pairs=pick.pairs,
        phase_days=pick.phase_days,
        design="AB" * pick.pairs,
        power=pick.power,
        sentence=(
            f"With your own day-to-day variability ({v.days} tracked days), to see {words} you "
            f"need about {pick.pairs} pairs of {pick.phase_days}-day phases ({pick.days} days; "
            f"about {pick.power:.0%} chance of a clear answer if the drop is real). Fewer than "
            f"{pick.pairs} pairs cannot give a clear answer at the {ALPHA:.0%} level however "
            "large the change."
        ),
        **base,
    )


def design_warning(advice: ExperimentDesign, pairs: int, phase_days: int) -> str | None:
    """Why a chosen plan (its AB `pairs` and `phase_days`) cannot settle, or is unlikely to, next
    to what `advice` suggests; None when it matches the suggestion. Every interface shows this same
    sentence, so the warning and the statistics behind it live here, not in the CLI or the web."""
    if smallest_p(pairs) >= ALPHA:
        text = (
            f"This plan has {pairs} pair{'s' if pairs != 1 else ''} of phases, so its report will "
            f"say 'this may be chance' whatever happens: the smallest possible p with {pairs} "
            f"pair{'s' if pairs != 1 else ''} is {smallest_p(pairs):.2f}."
        )
    elif advice.pairs is None:
        return (
            "With your variability even this plan would most likely end with 'this may be chance'."
        )
    elif advice.phase_days is not None and phase_days < advice.phase_days:
        text = (
            f"Phases of {phase_days} days are shorter than the suggested {advice.phase_days}, so "
            "the chance of a clear answer is lower than 80%."
        )
    else:
        return None
    if advice.pairs is not None and advice.phase_days is not None:
        text += f" Suggested: {advice.pairs} pairs of {advice.phase_days}-day phases."
    return text

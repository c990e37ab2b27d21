"""assess(): a case in, an assessment out. Pure: no I/O, no clock, no randomness."""

from __future__ import annotations

from ._assessment import Assessment, RaisedFlag
from ._case import Case
from ._context import CaseContext
from ._contributors import contributors_of
from ._medications import understood
from ._plan import plan_of
from ._triage import raised_flags, triage_of
from ._vocab import Triage

HEADLINES = {
    Triage.SELF_CARE: (
        "You can look after this at home. Here is what is likely behind it and what helps."
    ),
    Triage.DOCTOR: "Book an appointment with a doctor. This is not an emergency.",
    Triage.URGENT: "See a doctor today or within 24 hours.",
    Triage.EMERGENCY: "Call your emergency number now.",
}
ADULT_AGE = 18
TELL_TODAY = "Tell the doctor you see today about this too."
DISCLAIMER = "twitchwise gives guidance, not a diagnosis. If you feel very unwell, get help now."


def assess(case: Case) -> Assessment:
    """Judge a case: triage, the red flags behind it, likely causes and a plan."""
    ctx = CaseContext.of(case)
    flags = raised_flags(ctx)
    triage = triage_of(flags)
    flags = _same_day_wording(flags, triage)
    contributors = contributors_of(ctx)
    headline = flags[0].advice if triage is Triage.EMERGENCY else HEADLINES[triage]
    return Assessment(
        triage=triage.id,
        headline=headline,
        red_flags=list(dict.fromkeys(f.id for f in flags)),
        contributors=contributors,
        plan=plan_of(ctx, triage, flags, contributors),
        red_flag_details=flags,
        disclaimer=DISCLAIMER,
        unrecognised_medications=list(ctx.recognition.unrecognised),
        medications_understood=understood(case.medications),
        advice_for=_advice_for(case),
    )


def _same_day_wording(flags: list[RaisedFlag], triage: Triage) -> list[RaisedFlag]:
    """At urgent or above, no line may say "book an appointment": a flag of a lower level is
    mentioned to the doctor seen today instead."""
    if triage < Triage.URGENT:
        return flags
    return [
        f if Triage.parse(f.level) >= Triage.URGENT else f.model_copy(update={"advice": TELL_TODAY})
        for f in flags
    ]


def _advice_for(case: Case) -> str:
    if case.age is None:
        return "unknown_age"
    return "child" if case.age < ADULT_AGE else "adult"

"""The engine's answer (the output form of docs/reference/case-format.md, plus the details
that let a person and their doctor see why)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from ._vocab import ContributorId, RedFlagId, TriageName


class RaisedFlag(BaseModel):
    """One red flag that fired, with the answer behind it and the level it raises to."""

    model_config = ConfigDict(frozen=True)

    id: RedFlagId
    level: TriageName
    title: str
    why: str = Field(description="why this matters, from the knowledge base")
    answer: str = Field(description="the person's own answer that raised it")
    advice: str
    source: str
    fields: list[str] = Field(default_factory=list, description="case fields behind the flag")


class Contributor(BaseModel):
    """A likely everyday cause, with the reason drawn from the person's own answers."""

    model_config = ConfigDict(frozen=True)

    id: ContributorId
    title: str
    why: str
    explanation: str
    score: float
    source: str


class PlanItem(BaseModel):
    """One concrete step of the personal plan."""

    model_config = ConfigDict(frozen=True)

    id: str
    text: str
    source: str


class Assessment(BaseModel):
    """Triage, red flags, contributors and plan for one case."""

    model_config = ConfigDict(frozen=True)

    triage: TriageName
    headline: str = Field(description="what to do, in one sentence")
    red_flags: list[RedFlagId]
    contributors: list[Contributor]
    plan: list[PlanItem]
    red_flag_details: list[RaisedFlag]
    disclaimer: str
    unrecognised_medications: list[str] = Field(
        default_factory=list,
        description="each medicine (or part of one) the engine could not recognise; "
        "empty when all were understood",
    )
    medications_understood: list[str] = Field(
        default_factory=list, description="how each recognised medicine was read"
    )
    advice_for: str = Field(
        "adult", description="`adult`, `child` (under 18) or `unknown_age` (adult advice given)"
    )

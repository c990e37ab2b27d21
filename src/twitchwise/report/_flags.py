"""The red-flag screen: every red flag of the knowledge base, reported, not reported or never asked.

The engine decides whether a flag fires, on two kinds of evidence from the period: each recorded
assessment (its stored result), and a case built from the diary itself (symptoms ticked in
check-ins, sites and duration of logged twitches, the tested trend, medicines typed). A flag is
"not reported" only when every case field it reads was actually asked in the period; otherwise
it was "never asked". The list comes from the knowledge base, so a new red flag appears here
without a code change.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from twitchwise.diary import AssessmentRecord, CheckIn, Twitch
from twitchwise.engine import Case
from twitchwise.engine._context import CaseContext
from twitchwise.engine._triage import raised_flags
from twitchwise.knowledge import Condition, RedFlag, load_knowledge

from ._model import FlagLine

#: Shown first, in this order, because they are what a clinician screens for (motor neurone
#: disease and other serious causes); every other flag of the knowledge base follows in file order.
FIRST = (
    "weakness",
    "muscle_wasting",
    "speech_changes",
    "swallowing_changes",
    "bulbar",
    "breathing_difficulty",
    "difficulty_moving",
    "widespread",
    "worsening",
)


def ordered_flags() -> list[RedFlag]:
    flags = list(load_knowledge().red_flags)
    rank = {fid: i for i, fid in enumerate(FIRST)}
    return sorted(flags, key=lambda f: (rank.get(f.id, len(FIRST)), flags.index(f)))


def diary_case(
    checkins: Sequence[CheckIn],
    twitches: Sequence[Twitch],
    duration_days: float | None,
    course: str | None,
) -> tuple[Case, set[str]]:
    """The period's diary as an engine case, and the case fields the diary really answers.

    Built without validation because a period may hold check-ins but no twitches (no sites);
    the engine only reads fields, and unanswered ones are reported as never asked.
    """
    counts: dict[str, int] = {}
    for t in twitches:
        counts[t.site] = counts.get(t.site, 0) + t.count
    symptoms = {s for c in checkins for s in c.symptoms}
    medications = tuple(dict.fromkeys(m for c in checkins for m in c.medications))
    known = set()
    if checkins:
        known |= {"symptoms", "medications"}
    if twitches:
        known |= {"sites"}
    if duration_days is not None:
        known.add("duration_days")
    if course is not None:
        known.add("course")
    fields: dict[str, Any] = {
        "sites": tuple(sorted(counts, key=lambda s: -counts[s])),
        "duration_days": float(duration_days or 0),
        "course": course or "stable",
        "symptoms": frozenset(symptoms),
        "medications": medications,
    }
    case = Case.model_construct(**fields)
    return case, known


def _condition_symptoms(cond: Condition) -> set[str]:
    return set(cond.symptoms_any).union(*(_condition_symptoms(c) for c in cond.any_of))


def _condition_sites(cond: Condition) -> set[str]:
    return set(cond.sites_any).union(*(_condition_sites(c) for c in cond.any_of))


def _first_seen(flag: RedFlag, checkins: Iterable[CheckIn], twitches: Iterable[Twitch]) -> date:
    """The first day of the period the diary shows the flag's symptoms or sites (else today)."""
    symptoms, sites = _condition_symptoms(flag.when), _condition_sites(flag.when)
    days = [c.day for c in checkins if symptoms.intersection(c.symptoms)]
    days += [t.day for t in twitches if t.site in sites]
    return min(days, default=date.max)


def _asked_in(record: AssessmentRecord, flags: Sequence[RedFlag]) -> set[str]:
    """The red flags an assessment asked about. An interview that stopped at an emergency sign
    (emergency triage, or no sites recorded) may have skipped the later questions, so only the
    emergency questions count as asked there: "not reported" must never stand for "not asked"."""
    phases = {q.id: q.phase for q in load_knowledge().questions}
    early = record.triage == "emergency" or "sites" not in record.case
    return {
        f.id
        for f in flags
        if f.when.case_fields() <= set(record.case)
        and (not early or phases.get(f.question) == "emergency")
    }


def screen(
    case: Case,
    known: set[str],
    assessments: Sequence[AssessmentRecord],
    checkins: Sequence[CheckIn],
    twitches: Sequence[Twitch],
    end: date,
) -> list[FlagLine]:
    """One line per red flag of the knowledge base, most important first."""
    from_diary = {r.id: r for r in raised_flags(CaseContext.of(case))}
    flags = ordered_flags()
    asked: set[str] = {f.id for f in flags if f.when.case_fields() <= known}
    from_assessments: dict[str, tuple[date, str]] = {}
    for record in sorted(assessments, key=lambda a: a.created_at):
        asked |= _asked_in(record, flags)
        for detail in record.result.get("red_flag_details", []):
            fid = detail.get("id")
            if isinstance(fid, str) and fid not in from_assessments:
                day = record.created_at.astimezone().date()
                from_assessments[fid] = (day, str(detail.get("answer", "")))
    lines = []
    for flag in flags:
        raised = from_diary.get(flag.id)
        if raised is not None and set(raised.fields) <= known:
            first = _first_seen(flag, checkins, twitches)
            when = first if first != date.max else end
            lines.append(
                FlagLine(
                    flag.id, flag.title, raised.level, "reported", when, raised.answer, "diary"
                )
            )
        elif flag.id in from_assessments:
            day, answer = from_assessments[flag.id]
            lines.append(
                FlagLine(flag.id, flag.title, flag.level, "reported", day, answer, "assessment")
            )
        elif flag.id in asked:
            lines.append(FlagLine(flag.id, flag.title, flag.level, "not_reported"))
        else:
            lines.append(FlagLine(flag.id, flag.title, flag.level, "never_asked"))
    return lines

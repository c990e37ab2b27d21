"""The case format's vocabularies, as the engine's modules name them (defined in twitchwise._vocab,
outside any package with dependencies, so the knowledge base can use them without a cycle)."""

from __future__ import annotations

from twitchwise._vocab import (
    CONTRIBUTOR_IDS,
    COURSES,
    LIMB_REGIONS,
    MIDLINE_REGIONS,
    RED_FLAG_IDS,
    SIDES,
    SITE_IDS,
    SYMPTOM_IDS,
    ContributorId,
    Course,
    RedFlagId,
    Sex,
    SiteId,
    SymptomId,
    Triage,
    TriageName,
    course_rank,
    site_label,
    site_region,
)

__all__ = [
    "CONTRIBUTOR_IDS",
    "COURSES",
    "LIMB_REGIONS",
    "MIDLINE_REGIONS",
    "RED_FLAG_IDS",
    "SIDES",
    "SITE_IDS",
    "SYMPTOM_IDS",
    "ContributorId",
    "Course",
    "RedFlagId",
    "Sex",
    "SiteId",
    "SymptomId",
    "Triage",
    "TriageName",
    "course_rank",
    "site_label",
    "site_region",
]

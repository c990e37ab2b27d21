"""The closed vocabularies of the case format (docs/reference/case-format.md).

Every other module (knowledge files, diary, web forms) takes its ids from here, so a typo
anywhere is a validation error rather than a silently ignored answer.
"""

from __future__ import annotations

from enum import IntEnum
from typing import Literal, get_args

SIDES = ("left", "right")
LIMB_REGIONS = ("thigh", "hamstring", "calf", "foot", "upper_arm", "forearm", "hand")
MIDLINE_REGIONS = ("eyelid", "face", "tongue", "neck", "back", "chest", "abdomen")

SiteId = Literal[
    "left_thigh", "right_thigh", "left_hamstring", "right_hamstring",
    "left_calf", "right_calf", "left_foot", "right_foot",
    "left_upper_arm", "right_upper_arm", "left_forearm", "right_forearm",
    "left_hand", "right_hand",
    "eyelid", "face", "tongue", "neck", "back", "chest", "abdomen",
]  # fmt: skip

SymptomId = Literal[
    "weakness", "numbness_tingling", "muscle_wasting", "difficulty_moving",
    "painful_twitching", "cramping", "stiffness", "speech_changes", "swallowing_changes",
    "breathing_difficulty", "sudden_one_sided_weakness", "sudden_speech_loss",
    "chemical_exposure", "dark_urine", "tingling_lips_with_spasms", "palpitations",
    "heavy_sweating", "vomiting_diarrhoea",
    "falls", "gradual_breathlessness", "breathless_lying_flat", "tremor", "confusion", "fever",
    "agitation",
]  # fmt: skip

RedFlagId = Literal[
    SymptomId, "persistent", "worsening", "widespread", "medication_suspected", "bulbar",
    "lithium_toxicity", "serotonin_toxicity", "low_potassium_risk", "caffeine_toxicity",
]  # fmt: skip

ConditionId = Literal["kidney_disease", "heart_failure", "fluid_restriction", "pregnancy"]

ContributorId = Literal[
    "overexertion", "stress_anxiety", "dehydration", "electrolyte_imbalance",
    "stimulants", "alcohol", "sleep_deprivation", "medication_side_effect",
]  # fmt: skip

Course = Literal["improving", "stable", "worsening"]
Sex = Literal["female", "male", "other"]
TriageName = Literal["self_care", "doctor", "urgent", "emergency"]

SITE_IDS: tuple[str, ...] = get_args(SiteId)
SYMPTOM_IDS: tuple[str, ...] = get_args(SymptomId)
CONTRIBUTOR_IDS: tuple[str, ...] = get_args(ContributorId)
RED_FLAG_IDS: tuple[str, ...] = (*SYMPTOM_IDS, *get_args(RedFlagId)[1:])
COURSES: tuple[str, ...] = get_args(Course)
CONDITION_IDS: tuple[str, ...] = get_args(ConditionId)


class Triage(IntEnum):
    """Triage levels in order of urgency, so that `max()` is the safe combination."""

    SELF_CARE = 0
    DOCTOR = 1
    URGENT = 2
    EMERGENCY = 3

    @property
    def id(self) -> TriageName:
        """The lower-case id used in JSON (`self_care`, `doctor`, ...)."""
        return self.name.lower()  # type: ignore[return-value]

    @classmethod
    def parse(cls, value: str) -> Triage:
        return cls[value.upper()]


def course_rank(course: str) -> int:
    """Improving < stable < worsening: a worse course must never lower the triage."""
    return COURSES.index(course)


def site_region(site: str) -> str:
    """The body region of a site id, without its side (`left_thigh` -> `thigh`)."""
    side, _, rest = site.partition("_")
    return rest if side in SIDES else site


def site_label(site: str) -> str:
    """A human label for a site id (`left_thigh` -> `left thigh`)."""
    return site.replace("_", " ")

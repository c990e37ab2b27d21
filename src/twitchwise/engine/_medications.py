"""Recognising medicines that can cause twitching, the way people type them.

"Lasix 40mg", "ProAir HFA", "zolft 50 mg" and "furosemid" must match; "ibuprofen", "paracetamol"
or a statin must never match, because a false match sends a person to the doctor for nothing.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from functools import cache

from rapidfuzz import fuzz, process

from twitchwise.knowledge import MedicationClass, load_knowledge

_DOSE = re.compile(r"(?<![-\w])\d+(?:[.,]\d+)?\s*(?:mg|mcg|µg|ug|g|ml|iu|units?|%|x)?\b", re.I)
_GLUED_DOSE = re.compile(r"(?<=[a-z])(?=\d)")
_FORMS = frozenset(
    (
        "tablet",
        "tablets",
        "tab",
        "tabs",
        "capsule",
        "capsules",
        "caps",
        "inhaler",
        "inhalers",
        "puffer",
        "pump",
        "hfa",
        "mdi",
        "er",
        "xr",
        "sr",
        "la",
        "cr",
        "xl",
        "ir",
        "odt",
        "dr",
        "modified",
        "release",
        "oral",
        "solution",
        "syrup",
        "liquid",
        "spray",
        "nebuliser",
        "nebulizer",
        "neb",
        "injection",
        "daily",
        "once",
        "twice",
        "a",
        "day",
        "per",
        "bd",
        "tds",
        "od",
        "prn",
        "as",
        "needed",
        "morning",
        "night",
        "evening",
        "hcl",
        "hydrochloride",
        "sodium",
        "potassium",
        "carbonate",
        "citrate",
        "sulfate",
        "sulphate",
        "mesylate",
        "maleate",
        "the",
        "and",
        "with",
        "of",
        "my",
    )
)
MIN_SCORE = 86.0
MIN_LENGTH = 5


@dataclass(frozen=True)
class MedicationMatch:
    """A typed medicine recognised as a drug of a class that can cause twitching."""

    typed: str
    drug: str
    med_class: MedicationClass


@cache
def _name_index() -> dict[str, tuple[str, MedicationClass]]:
    """Lower-case name (generic, brand or alias) -> (generic name, class)."""
    index: dict[str, tuple[str, MedicationClass]] = {}
    for med_class in load_knowledge().medications:
        for drug in med_class.drugs:
            for name in drug.names():
                index[name.lower()] = (drug.generic, med_class)
    return index


def _candidates(typed: str) -> list[str]:
    """Words and two-word phrases of the typed text, doses and forms removed."""
    text = _GLUED_DOSE.sub(" ", typed.lower())
    text = _DOSE.sub(" ", text)
    words = [w for w in re.split(r"[^a-z0-9-]+", text) if w and w not in _FORMS]
    pairs = [f"{a} {b}" for a, b in itertools.pairwise(words)]
    return pairs + words


def match_medication(typed: str) -> MedicationMatch | None:
    """The twitching-relevant drug named in `typed`, or None."""
    index = _name_index()
    for candidate in _candidates(typed):
        if candidate in index:
            generic, med_class = index[candidate]
            return MedicationMatch(typed, generic, med_class)
    for candidate in _candidates(typed):
        if len(candidate) < MIN_LENGTH:
            continue
        best = process.extractOne(candidate, index.keys(), scorer=fuzz.ratio)
        if best is not None and best[1] >= MIN_SCORE and len(best[0]) >= MIN_LENGTH:
            generic, med_class = index[best[0]]
            return MedicationMatch(typed, generic, med_class)
    return None


def match_medications(typed: tuple[str, ...]) -> list[MedicationMatch]:
    """Every recognised medicine, in the order typed."""
    return [m for m in map(match_medication, typed) if m is not None]

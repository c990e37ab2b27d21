"""The daily check-in as a FHIR Questionnaire, and one check-in's answers to it."""

from __future__ import annotations

from typing import Any

from twitchwise.diary import CheckIn

QUESTIONNAIRE_URL = "urn:uuid:0b9c51a4-5f3e-4b8e-9d7a-6c1f0e2d3a47"
"""The canonical URL of the check-in questionnaire (a fixed URN: no web address is claimed)."""
QUESTIONNAIRE_VERSION = "1"

# (linkId = the diary column, question, FHIR item type, repeats)
ITEMS: tuple[tuple[str, str, str, bool], ...] = (
    ("sleep_hours", "Hours slept the night before", "decimal", False),
    ("caffeine_mg", "Caffeine that day (mg)", "decimal", False),
    ("alcohol_drinks", "Standard alcoholic drinks that day", "decimal", False),
    ("water_litres", "Fluids that day (litres)", "decimal", False),
    ("stress_level", "Stress that day, 0 (none) to 10 (extreme)", "decimal", False),
    ("exercise_minutes", "Minutes of exercise that day", "decimal", False),
    ("hard_exercise", "Was that day's exercise hard or unusual for you?", "boolean", False),
    ("symptoms", "Other symptoms that day", "string", True),
    ("medications", "Medications taken that day", "string", True),
    ("notes", "Notes", "text", False),
)


def questionnaire() -> dict[str, Any]:
    return {
        "resourceType": "Questionnaire",
        "id": "twitchwise-daily-checkin",
        "url": QUESTIONNAIRE_URL,
        "version": QUESTIONNAIRE_VERSION,
        "name": "TwitchwiseDailyCheckin",
        "title": "twitchwise daily check-in",
        "status": "active",
        "subjectType": ["Patient"],
        "item": [
            {"linkId": link, "text": text, "type": kind, **({"repeats": True} if repeats else {})}
            for link, text, kind, repeats in ITEMS
        ],
    }


_VALUE_KEY = {
    "decimal": "valueDecimal",
    "boolean": "valueBoolean",
    "string": "valueString",
    "text": "valueString",
}


def answers(checkin: CheckIn) -> list[dict[str, Any]]:
    """The answered items of `checkin`, in the questionnaire's order; unanswered ones left out."""
    items = []
    for link, text, kind, repeats in ITEMS:
        value = getattr(checkin, link)
        values = list(value) if repeats else ([] if value is None else [value])
        if values:
            key = _VALUE_KEY[kind]
            items.append({"linkId": link, "text": text, "answer": [{key: v} for v in values]})
    return items

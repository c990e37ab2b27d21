"""What the result page shows for a recorded assessment: items with their sources' titles."""

from __future__ import annotations

from typing import Any

from twitchwise.diary import AssessmentRecord
from twitchwise.engine._vocab import site_label
from twitchwise.knowledge import load_knowledge

FACTOR_LABELS = {
    "sleep_hours": ("Sleep", "hours a night"),
    "caffeine_mg_per_day": ("Caffeine", "mg a day"),
    "alcohol_drinks_per_week": ("Alcohol", "drinks a week"),
    "water_litres_per_day": ("Fluids", "litres a day"),
    "stress_level": ("Stress", "out of 10"),
    "exercise_hours_per_week": ("Exercise", "hours a week"),
    "hard_exercise_last_48h": ("Hard workout in the last 2 days", ""),
    "low_mineral_diet": ("Few mineral-rich foods", ""),
}


def source_of(source_id: str) -> dict[str, str]:
    found = load_knowledge().sources.get(source_id)
    if found is None:
        return {"id": source_id, "title": source_id, "where": ""}
    where = "" if found.where.startswith(("docs/", "src/")) else found.where  # a file of ours
    return {"id": source_id, "title": found.title, "where": where}


def _told(case: dict[str, Any]) -> list[tuple[str, str]]:
    kb = load_knowledge()
    rows = []
    if case.get("age") is not None:
        rows.append(("Age", f"{case['age']}"))
    conditions = case.get("conditions") or []
    if conditions:
        rows.append(("Conditions", ", ".join(c.replace("_", " ") for c in conditions)))
    if "sites" in case:
        rows.append(("Where", ", ".join(site_label(s) for s in case["sites"])))
    if "duration_days" in case:
        days = case["duration_days"]
        rows.append(("For how long", f"{days:g} day{'' if days == 1 else 's'}"))
    if "course" in case:
        rows.append(("Course", str(case["course"])))
    symptoms = case.get("symptoms") or []
    labels = [kb.symptoms[s].label if s in kb.symptoms else s for s in symptoms]
    rows.append(("Symptoms", "; ".join(labels) if labels else "none reported"))
    for key, value in (case.get("factors") or {}).items():
        if value is None:
            continue
        label, unit = FACTOR_LABELS.get(key, (key, ""))
        shown = ("yes" if value else "no") if isinstance(value, bool) else f"{value:g} {unit}"
        rows.append((label, shown.strip()))
    meds = case.get("medications") or []
    rows.append(("Medicines", ", ".join(meds) if meds else "none reported"))
    return rows


EMERGENCY_NUMBERS = (("999", "UK"), ("112", "Europe"), ("911", "North America"))


def result_context(record: AssessmentRecord) -> dict[str, Any]:
    """What the result page shows. An emergency shows the call buttons first and each piece of
    advice once (the headline is the first flag's advice, so it is not repeated)."""
    result = record.result
    details = result.get("red_flag_details", [])
    now = [d.get("advice", "") for d in details if d.get("level") == "emergency"]
    emergency = [a for a in dict.fromkeys(now) if a]
    return {
        "record": record,
        "result": result,
        "emergency_flags": emergency,
        "emergency_numbers": EMERGENCY_NUMBERS,
        "medicines_understood": result.get("medications_understood", []),
        "unrecognised": result.get("unrecognised_medications", []),
        "flags": details,
        "contributors": result.get("contributors", []),
        "plan": result.get("plan", []),
        "source_of": source_of,
        "told": _told(record.case),
    }

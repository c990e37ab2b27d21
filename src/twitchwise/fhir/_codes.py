"""Every code the FHIR export sends, each with the source that confirmed it.

docs/reference/fhir.md lists the same codes with their sources. A concept without a confirmed
code is sent with `text` only; never add a code here without a source that shows it.
"""

from __future__ import annotations

from dataclasses import dataclass

LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
SYMPTOM_TEMP = "http://hl7.org/fhir/uv/symptoms/CodeSystem/SymptomTemporary"
"""The Symptoms IG's own code system (its CodeSystem-SymptomTemporary page)."""
PROVENANCE_ROLE = "http://terminology.hl7.org/CodeSystem/provenance-participant-type"
DEVICE_NAME_TYPE = "http://hl7.org/fhir/device-nametype"

SYMPTOM_OBSERVATION = "http://hl7.org/fhir/uv/symptoms/StructureDefinition/SymptomObservation"
LOCATION_QUALIFIER = "http://hl7.org/fhir/uv/symptoms/StructureDefinition/LocationQualifier"
"""Symptoms IG extension on bodySite: a string qualifier of the location (we send left/right)."""

# Symptoms IG 1.0.0, input/fsh/SymptomObservation.fsh (github.com/HL7/fhir-symptoms-ig)
SYMPTOM = (LOINC, "75325-1", "Symptom")
SYMPTOM_CATEGORY = (SYMPTOM_TEMP, "symptom", "Symptom")
SEVERITY = (LOINC, "64750-3", "Severity of symptoms")

# What is sent as text only, because no confirmed code was found (see docs/reference/fhir.md).
TWITCHING_TEXT = "Muscle twitching (fasciculation)"
COUNT_TEXT = "Number of twitches in this episode"


@dataclass(frozen=True)
class Metric:
    """How one daily value is sent: its text, its LOINC code when confirmed, its UCUM unit."""

    text: str
    unit: str | None = None
    """UCUM code of the unit; None for a value without a unit."""
    unit_text: str | None = None
    loinc: tuple[str, str] | None = None
    """(code, display) when a source confirmed the code for this very concept."""


METRICS: dict[str, Metric] = {
    # PHR IG ValueSet pcd-sleep-observation-code: 93832-4 "Sleep duration"
    "sleep_hours": Metric("Sleep duration", "h", "hours", ("93832-4", "Sleep duration")),
    # Physical Activity IG ValueSet pa-observation-code-time (41950-7, UCUM /d in its examples)
    "steps": Metric(
        "Number of steps in 24 hour",
        "/d",
        "steps per day",
        ("41950-7", "Number of steps in 24 hour Measured"),
    ),
    # Physical Activity IG ValueSet pa-observation-code-activity: 55411-3 "Exercise duration"
    "exercise_minutes": Metric(
        "Exercise duration", "min", "minutes", ("55411-3", "Exercise duration")
    ),
    # IPS IG example alcohol-use / US Core nutrition assessment: 74013-4
    "alcohol_drinks": Metric(
        "Alcoholic drinks per day",
        "{drinks}/d",
        "standard drinks per day",
        ("74013-4", "Alcoholic drinks per day"),
    ),
    # Physical Activity IG ValueSet pa-observation-code-time: 40443-4 "Heart rate --resting"
    "resting_heart_rate_bpm": Metric(
        "Resting heart rate", "/min", "beats per minute", ("40443-4", "Heart rate --resting")
    ),
    # No confirmed code: text only.
    "caffeine_mg": Metric("Caffeine intake that day", "mg", "mg"),
    "water_litres": Metric("Fluid intake that day", "L", "litres"),
    "stress_level": Metric("Stress level, self-rated 0 (none) to 10 (extreme)", "{score}", "score"),
    "active_energy_kcal": Metric("Active energy burned that day", "kcal", "kcal"),
    "mindful_minutes": Metric("Mindfulness practice that day", "min", "minutes"),
    "hrv_sdnn_ms": Metric("Heart rate variability (SDNN)", "ms", "ms"),
    "potassium_mg": Metric("Potassium intake that day", "mg", "mg"),
    "magnesium_mg": Metric("Magnesium intake that day", "mg", "mg"),
    "calcium_mg": Metric("Calcium intake that day", "mg", "mg"),
}
HARD_EXERCISE_TEXT = "Exercise that was hard or unusual for the person that day"


def metric(name: str) -> Metric:
    """How `name` is sent; a metric added later without an entry here goes as text only."""
    return METRICS.get(name, Metric(name.replace("_", " ")))


def coding(code: tuple[str, str, str]) -> dict[str, str]:
    system, value, display = code
    return {"system": system, "code": value, "display": display}

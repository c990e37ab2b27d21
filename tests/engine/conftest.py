"""Fixtures and hypothesis strategies for the engine tests."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from twitchwise.engine import Case
from twitchwise.engine._vocab import COURSES, SITE_IDS, SYMPTOM_IDS

MEDICINES = [
    "Lasix 40 mg", "ibuprofen", "Ventolin", "sertraline 50mg", "paracetamol", "lithium",
    "tramadol", "Moduretic", "ramipril 5mg", "Entresto", "Renvela", "my water tablet",
    "used to take Prozac", "Zyxorol 10mg",
]  # fmt: skip
CONDITIONS = ["kidney_disease", "heart_failure", "fluid_restriction", "pregnancy"]


def factors() -> st.SearchStrategy[dict[str, Any]]:
    optional = {
        "sleep_hours": st.floats(0, 24),
        "caffeine_mg_per_day": st.floats(0, 2000),
        "alcohol_drinks_per_week": st.floats(0, 100),
        "water_litres_per_day": st.floats(0, 8),
        "stress_level": st.integers(0, 10),
        "exercise_hours_per_week": st.floats(0, 40),
        "hard_exercise_last_48h": st.booleans(),
        "low_mineral_diet": st.booleans(),
    }
    return st.fixed_dictionaries({}, optional=optional)


def cases() -> st.SearchStrategy[Case]:
    """Any valid case."""
    return st.builds(
        lambda sites, duration, course, symptoms, facts, meds, tried, person: Case.model_validate(
            {
                "sites": sites,
                "duration_days": duration,
                "course": course,
                "symptoms": sorted(symptoms),
                "factors": facts,
                "medications": meds,
                "tried_lifestyle_changes": tried,
                **person,
            }
        ),
        st.lists(st.sampled_from(SITE_IDS), min_size=1, max_size=4, unique=True),
        st.floats(0, 400),
        st.sampled_from(COURSES),
        st.sets(st.sampled_from(SYMPTOM_IDS), max_size=5),
        factors(),
        st.lists(st.sampled_from(MEDICINES), max_size=3),
        st.booleans(),
        people(),
    )


def people() -> st.SearchStrategy[dict[str, Any]]:
    """Age, weight and conditions, each maybe unknown."""
    return st.fixed_dictionaries(
        {},
        optional={
            "age": st.integers(2, 100),
            "weight_kg": st.floats(10, 150),
            "conditions": st.lists(st.sampled_from(CONDITIONS), unique=True, max_size=2),
        },
    )

"""Medication matching: brand or generic, any case, doses, forms, small typos; no false alarms."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from twitchwise.engine._medications import match_medication

POSITIVE = {
    "Lasix 40mg": ("furosemide", "diuretic"),
    "lasix40mg": ("furosemide", "diuretic"),
    "furosemid": ("furosemide", "diuretic"),
    "HCTZ 25": ("hydrochlorothiazide", "diuretic"),
    "ProAir HFA": ("salbutamol", "beta_agonist"),
    "pro air": ("salbutamol", "beta_agonist"),
    "albuterol inhaler": ("salbutamol", "beta_agonist"),
    "Seretide 250": ("salmeterol", "beta_agonist"),
    "Theo-24 300 mg": ("theophylline", "theophylline"),
    "Zoloft 50 mg": ("sertraline", "antidepressant"),
    "zolft 50mg": ("sertraline", "antidepressant"),
    "ESCITALOPRAM 10MG": ("escitalopram", "antidepressant"),
    "Adderall XR 20 mg": ("amphetamine", "adhd_stimulant"),
    "concerta 36": ("methylphenidate", "adhd_stimulant"),
    "Vyvanse": ("lisdexamfetamine", "adhd_stimulant"),
    "lithium carbonate 400mg": ("lithium", "lithium"),
    "Priadel": ("lithium", "lithium"),
}
NEGATIVE = [
    "ibuprofen 200 mg", "paracetamol", "acetaminophen", "atorvastatin 20mg", "simvastatin",
    "rosuvastatin", "metformin", "lisinopril", "amlodipine", "omeprazole", "levothyroxine",
    "aspirin", "cetirizine", "naproxen", "codeine", "lasik", "magnesium", "vitamin d", "insulin",
    "propranolol", "montelukast", "budesonide", "melatonin", "none", "", "40 mg",
]  # fmt: skip


@pytest.mark.parametrize("typed", POSITIVE)
def test_recognises(typed: str) -> None:
    match = match_medication(typed)
    assert match is not None
    assert (match.drug, match.med_class.id) == POSITIVE[typed]


@pytest.mark.parametrize("typed", NEGATIVE)
def test_never_matches_other_medicines(typed: str) -> None:
    assert match_medication(typed) is None


@given(
    st.sampled_from(["Lasix", "Ventolin", "sertraline", "Ritalin", "theophylline"]),
    st.sampled_from(["", " 10 mg", " 40mg", " 2.5 mg tablet", " inhaler", " XR 20mg once daily"]),
    st.sampled_from([str.lower, str.upper, str.title, lambda s: s]),
)
def test_doses_forms_and_case_do_not_matter(name: str, suffix: str, case: object) -> None:
    plain = match_medication(name)
    assert plain is not None
    decorated = match_medication(case(name + suffix))  # type: ignore[operator]
    assert decorated is not None and decorated.drug == plain.drug


@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789 -", max_size=30))
def test_arbitrary_text_never_crashes(text: str) -> None:
    match = match_medication(text)
    assert match is None or match.typed == text

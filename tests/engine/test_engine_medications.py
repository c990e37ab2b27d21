"""Medication matching: brand or generic, any case, doses, forms, small typos; no false alarms."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from twitchwise.engine import Case, assess
from twitchwise.engine._medications import match_medication, recognise
from twitchwise.knowledge import load_knowledge

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


TABLE = json.loads((Path(__file__).parents[1] / "data" / "medication_strings.json").read_text())


def test_the_table_is_large_and_varied() -> None:
    assert len(TABLE) >= 300
    kinds = {r["kind"] for r in TABLE}
    assert {"name", "combination", "plain words", "several", "typo", "stopped"} <= kinds
    assert {"not a cause", "look-alike", "not understood"} <= kinds


@pytest.mark.parametrize("row", TABLE, ids=[r["typed"] for r in TABLE])
def test_medication_table(row: dict[str, object]) -> None:
    typed = str(row["typed"])
    rec = recognise(typed)
    found = {m.med_class.id for m in rec.matches if m.med_class.causes_twitching}
    assert found == set(row["classes"])  # type: ignore[call-overload]
    assert bool(rec.unrecognised) is row["unrecognised"], rec.unrecognised


def test_benchmark_prints_precision_and_recall() -> None:
    out = subprocess.run(
        [sys.executable, "benchmarks/medication_matcher.py"],
        cwd=Path(__file__).parents[2], capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert "precision: 100.0%  recall: 100.0%" in out


def test_no_real_name_is_read_as_another_drug() -> None:
    """Every name in the knowledge base reads as its own drug, never as a neighbour's."""
    kb = load_knowledge()
    for med_class in kb.medications:
        for drug in med_class.drugs:
            for name in drug.names():
                assert [m.drug for m in recognise(name).matches] == [drug.generic], name


@pytest.mark.parametrize(
    ("typed", "drugs"),
    [
        ("citalopram 20mg + furosemide 40mg", ["citalopram", "furosemide"]),
        ("Losartan/HCTZ 50/12.5", ["losartan", "hydrochlorothiazide"]),
        ("Moduretic", ["amiloride", "hydrochlorothiazide"]),
        ("Coversyl Plus", ["perindopril", "indapamide"]),
        ("stopped Prozac, now sertraline", ["sertraline"]),
        ("I was on Lasix but now on bumetanide", ["bumetanide"]),
        ("switched from Prozac to sertraline 50mg", ["sertraline"]),
        ("Lasix [/] 40mg", ["furosemide"]),
        ("Ventolin [as needed]", ["salbutamol"]),
    ],
)
def test_several_medicines_combinations_and_stopped_ones(typed: str, drugs: list[str]) -> None:
    rec = recognise(typed)
    assert [m.drug for m in rec.matches] == drugs
    assert rec.unrecognised == ()


def test_unrecognised_medicines_are_reported_in_the_assessment() -> None:
    case = Case.model_validate(
        {"sites": ["left_thigh"], "duration_days": 2, "medications": ["Zyxorol 10mg", "Lasix"]}
    )
    result = assess(case)
    assert result.unrecognised_medications == ["Zyxorol 10mg"]
    assert "Lasix (furosemide): a diuretic (water tablet)" in result.medications_understood
    plan = " ".join(p.text for p in result.plan)
    assert "Zyxorol 10mg" in plan and "pharmacist" in plan


def test_a_stopped_medicine_is_not_current() -> None:
    result = assess(
        Case.model_validate(
            {"sites": ["left_thigh"], "duration_days": 2, "medications": ["used to take Prozac"]}
        )
    )
    assert result.triage == "self_care"
    assert result.unrecognised_medications == []

"""The FHIR R4 export: every resource parses (fhir.resources R4B models), every reference
resolves inside the bundle, ids are unique, counts match the diary, every code is documented."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from diary_sample import DAY, fill
from fhir.resources.R4B import get_fhir_model_class

from twitchwise.diary import Diary
from twitchwise.fhir import Document, build_bundle

DOCS = Path(__file__).parents[2] / "docs" / "reference" / "fhir.md"
NOW = datetime(2026, 3, 5, 12, 0, tzinfo=UTC)


def _resources(bundle: dict[str, Any], kind: str | None = None) -> list[dict[str, Any]]:
    found = [e["resource"] for e in bundle["entry"]]
    return [r for r in found if kind is None or r["resourceType"] == kind]


def _walk(node: Any) -> Iterator[tuple[str, Any]]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield key, value
            yield from _walk(value)
    elif isinstance(node, list):
        for item in node:
            yield from _walk(item)


def _check_bundle(bundle: dict[str, Any]) -> None:
    """Parses as R4B, ids and full URLs unique, every reference and canonical resolves."""
    get_fhir_model_class("Bundle").model_validate(bundle)
    for resource in _resources(bundle):
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    assert bundle["type"] == "collection"
    keys = [(r["resourceType"], r["id"]) for r in _resources(bundle)]
    assert len(keys) == len(set(keys))
    urls = {e["fullUrl"] for e in bundle["entry"]}
    assert len(urls) == len(bundle["entry"])
    references = [v for k, v in _walk(bundle["entry"]) if k == "reference"]
    assert all(ref in urls for ref in references), set(references) - urls
    assert not [key for key, value in _walk(bundle) if value in ([], {}, "")], "empty value"
    canonicals = {r["url"] for r in _resources(bundle, "Questionnaire")}
    for response in _resources(bundle, "QuestionnaireResponse"):
        assert response["questionnaire"] in canonicals


@pytest.fixture
def bundle(diary: Diary) -> dict[str, Any]:
    fill(diary)
    return build_bundle(diary, now=NOW, app_version="test")


def test_every_resource_parses_and_every_reference_resolves(bundle: dict[str, Any]) -> None:
    _check_bundle(bundle)
    assert len([v for k, v in _walk(bundle) if k == "reference"]) > 20


def test_counts_match_the_diary(diary: Diary, bundle: dict[str, Any]) -> None:
    observations = _resources(bundle, "Observation")
    symptoms = [
        o for o in observations if o["code"].get("coding", [{}])[0].get("code") == "75325-1"
    ]
    assert len(symptoms) == len(diary.list_twitches()) == 3
    assert len(_resources(bundle, "QuestionnaireResponse")) == len(diary.list_checkins())
    sleep = [o for o in observations if o["code"].get("coding", [{}])[0].get("code") == "93832-4"]
    nights = {c.day for c in diary.list_checkins() if c.sleep_hours is not None}
    nights |= {v.day for _, v in diary.list_day_values() if v.metric == "sleep_hours"}
    assert sorted(o["effectiveDateTime"] for o in sleep) == sorted(d.isoformat() for d in nights)
    assert len(_resources(bundle, "DocumentReference")) == 1  # the latest assessment


def test_a_typed_value_beats_an_imported_one_and_says_where_it_came_from(
    bundle: dict[str, Any],
) -> None:
    by_day = {
        o["effectiveDateTime"]: o
        for o in _resources(bundle, "Observation")
        if o["code"].get("coding", [{}])[0].get("code") == "93832-4"
    }
    typed = by_day[DAY.isoformat()]
    assert typed["valueQuantity"] == {
        "value": 6.5,
        "unit": "hours",
        "system": "http://unitsofmeasure.org",
        "code": "h",
    }
    assert "derivedFrom" in typed and "device" not in typed
    steps = [o for o in _resources(bundle, "Observation") if "steps" in o["id"]]
    assert len(steps) == 1 and steps[0]["valueQuantity"]["value"] == 10001  # the latest import
    devices = {
        e["fullUrl"]: e["resource"]["deviceName"][0]["name"]
        for e in bundle["entry"]
        if e["resource"]["resourceType"] == "Device"
    }
    assert devices[steps[0]["device"]["reference"]] == "other-app"
    provenance = {
        ref["reference"]: p["agent"][0]["who"]["reference"]
        for p in _resources(bundle, "Provenance")
        for ref in p["target"]
    }
    url = {e["resource"]["id"]: e["fullUrl"] for e in bundle["entry"]}
    assert provenance[url[steps[0]["id"]]] == steps[0]["device"]["reference"]
    assert provenance[url[typed["id"]]] == url["patient"]
    assert provenance[url["twitch-1"]] == url["patient"]


def test_twitches_are_symptom_observations(bundle: dict[str, Any]) -> None:
    twitch = next(r for r in _resources(bundle, "Observation") if r["id"] == "twitch-1")
    assert twitch["meta"]["profile"] == [
        "http://hl7.org/fhir/uv/symptoms/StructureDefinition/SymptomObservation"
    ]
    assert twitch["category"][0]["coding"][0]["code"] == "symptom"
    assert twitch["effectiveDateTime"] == "2026-03-02T08:15:00+01:00"
    assert twitch["bodySite"]["text"] == "Left calf"
    assert twitch["bodySite"]["extension"][0]["valueString"] == "left"
    assert [c["code"].get("coding", [{}])[0].get("code") for c in twitch["component"]] == [
        "64750-3",
        None,
    ]
    timed = next(r for r in _resources(bundle, "Observation") if r["id"] == "twitch-2")
    assert "effectivePeriod" in timed and timed["note"][0]["text"].startswith("after coffee")


def test_every_code_sent_is_listed_in_the_docs_with_a_source(bundle: dict[str, Any]) -> None:
    documented = DOCS.read_text(encoding="utf-8").split("## Every code")[1].split("\n## ")[0]
    codings = [v for k, v in _walk(bundle) if k == "coding"]
    sent = {(c["system"], c["code"]) for coding in codings for c in coding}
    sent |= {
        ("http://unitsofmeasure.org", q["code"]) for k, q in _walk(bundle) if k == "valueQuantity"
    }
    for system, code in sent:
        row = re.search(rf"^\|[^\n]*`{re.escape(code)}`[^\n]*$", documented, re.MULTILINE)
        assert row, f"{system} {code} is sent but not listed in docs/reference/fhir.md"
        assert "http" in row.group(0) or "[" in row.group(0), f"{code} has no source"


def test_an_empty_diary_is_a_valid_bundle(diary: Diary) -> None:
    bundle = build_bundle(diary, now=NOW)
    _check_bundle(bundle)
    kinds = Counter(r["resourceType"] for r in _resources(bundle))
    assert kinds == {"Patient": 1, "Device": 1, "Questionnaire": 1}


def test_a_document_such_as_a_doctor_report_goes_in_as_a_document_reference(
    diary: Diary,
) -> None:
    report = Document("Report for your doctor", "application/pdf", b"%PDF-1.7", NOW, "Report")
    bundle = build_bundle(diary, documents=[report], now=NOW)
    _check_bundle(bundle)
    (reference,) = _resources(bundle, "DocumentReference")
    assert reference["content"][0]["attachment"]["contentType"] == "application/pdf"
    assert reference["content"][0]["attachment"]["data"] == "JVBERi0xLjc="


def test_no_empty_arrays_even_for_an_empty_check_in(diary: Diary) -> None:
    """FHIR JSON never carries an empty array or object."""
    diary.save_checkin(DAY, notes=None)
    bundle = build_bundle(diary, now=NOW)
    _check_bundle(bundle)


def test_the_doctor_report_goes_in_as_a_pdf_only_when_the_diary_has_something(
    diary: Diary,
) -> None:
    from twitchwise.fhir import report_document

    assert report_document(diary) is None
    fill(diary)
    document = report_document(diary)
    assert document is not None and document.data.startswith(b"%PDF")
    bundle = build_bundle(diary, documents=[document], now=NOW)
    _check_bundle(bundle)
    kinds = [
        r["content"][0]["attachment"]["contentType"]
        for r in _resources(bundle, "DocumentReference")
    ]
    assert "application/pdf" in kinds

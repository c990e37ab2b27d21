"""The person's diary as one FHIR R4 Bundle (type collection), for a clinician's system.

Twitch episodes are Symptom Observations (HL7 Symptoms IG), daily values are Observations with a
LOINC code where one is confirmed and the unit in UCUM, each check-in is a QuestionnaireResponse
to the Questionnaire in the bundle, the latest assessment (and any other document, such as a
doctor report) is a DocumentReference, and Provenance says who the data came from: the person,
or the app a value was imported from.
"""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from twitchwise._vocab import SIDES, site_label
from twitchwise.diary import NUMERIC_DAY_COLUMNS, AssessmentRecord, CheckIn, Diary, Twitch

from . import _codes as codes
from ._bundle import BundleBuilder, safe_id
from ._questionnaire import QUESTIONNAIRE_URL, answers, questionnaire

Ref = dict[str, str]


@dataclass(frozen=True)
class Document:
    """A document to include as a DocumentReference, e.g. the doctor report's PDF."""

    title: str
    content_type: str
    data: bytes
    created: datetime
    """When it was made; naive means UTC."""
    kind: str = "Document"
    """What it is, in words (sent as the DocumentReference's type text)."""


def _instant(when: datetime) -> str:
    aware = when if when.tzinfo is not None else when.replace(tzinfo=UTC)
    return aware.isoformat()


def _quantity(name: str, value: float) -> dict[str, Any]:
    spec = codes.metric(name)
    quantity: dict[str, Any] = {"value": value}
    if spec.unit is not None:
        quantity.update(unit=spec.unit_text or spec.unit, system=codes.UCUM, code=spec.unit)
    return quantity


def _metric_code(name: str) -> dict[str, Any]:
    spec = codes.metric(name)
    concept: dict[str, Any] = {"text": spec.text}
    if spec.loinc is not None:
        concept["coding"] = [
            {"system": codes.LOINC, "code": spec.loinc[0], "display": spec.loinc[1]}
        ]
    return concept


class _Export:
    """One export: the builder and the shared resources every other one points to."""

    def __init__(self, app_version: str, now: datetime) -> None:
        self.out = BundleBuilder()
        self.now = now
        self.patient = self.out.add({"resourceType": "Patient", "id": "patient"})
        self.app = self.out.add(_device("twitchwise", "twitchwise", app_version))
        self.sources: dict[str, Ref] = {}
        self.by_patient: list[Ref] = []
        self.by_source: dict[str, list[Ref]] = {}
        self.by_app: list[Ref] = []

    def source(self, name: str) -> Ref:
        if name not in self.sources:
            self.sources[name] = self.out.add(_device(safe_id("source", name), name, None))
        return self.sources[name]

    # -- twitches --------------------------------------------------------------------------

    def twitch(self, twitch: Twitch) -> None:
        observation: dict[str, Any] = {
            "resourceType": "Observation",
            "id": safe_id("twitch", twitch.id),
            "status": "final",
            "category": [{"coding": [codes.coding(codes.SYMPTOM_CATEGORY)]}],
            "code": {"coding": [codes.coding(codes.SYMPTOM)], "text": "Symptom"},
            "subject": self.patient,
            "performer": [self.patient],
            **_effective(twitch),
            "valueCodeableConcept": {"text": codes.TWITCHING_TEXT},
            "bodySite": _body_site(twitch.site),
            "component": _twitch_components(twitch),
        }
        if twitch.note:
            observation["note"] = [{"text": twitch.note}]
        if _symptom_profile_complete(observation):
            observation["meta"] = {"profile": [codes.SYMPTOM_OBSERVATION]}
        self.by_patient.append(self.out.add(observation))

    # -- check-ins and daily values --------------------------------------------------------

    def checkin(self, checkin: CheckIn) -> dict[str, float | bool]:
        """The check-in as a QuestionnaireResponse, its values as Observations derived from it;
        returns the values it gave, so an imported value for the same day and metric is left
        out (a value the person typed beats an imported one, as everywhere in the diary)."""
        day = checkin.day.isoformat()
        response: dict[str, Any] = {
            "resourceType": "QuestionnaireResponse",
            "id": safe_id("checkin", day),
            "questionnaire": QUESTIONNAIRE_URL,
            "status": "completed",
            "subject": self.patient,
            "authored": day,
            "author": self.patient,
            "source": self.patient,
        }
        items = answers(checkin)
        if items:  # FHIR JSON has no empty arrays: a check-in with nothing in it has no items
            response["item"] = items
        response_ref = self.out.add(response)
        self.by_patient.append(response_ref)
        given: dict[str, float | bool] = {}
        for name in NUMERIC_DAY_COLUMNS:
            value = getattr(checkin, name)
            if value is not None:
                given[name] = value
                self._daily(
                    checkin.day,
                    name,
                    {"valueQuantity": _quantity(name, value)},
                    derived_from=response_ref,
                )
        if checkin.hard_exercise is not None:
            given["hard_exercise"] = checkin.hard_exercise
            self._daily(
                checkin.day,
                "hard_exercise",
                {"valueBoolean": checkin.hard_exercise},
                derived_from=response_ref,
                code={"text": codes.HARD_EXERCISE_TEXT},
            )
        return given

    def imported(self, day: date, name: str, source: str, value: float) -> None:
        device = self.source(source)
        ref = self._daily(day, name, {"valueQuantity": _quantity(name, value)}, device=device)
        self.by_source.setdefault(source, []).append(ref)

    def _daily(
        self,
        day: date,
        name: str,
        value: dict[str, Any],
        *,
        derived_from: Ref | None = None,
        device: Ref | None = None,
        code: dict[str, Any] | None = None,
    ) -> Ref:
        observation: dict[str, Any] = {
            "resourceType": "Observation",
            "id": safe_id("day", day.isoformat(), name),
            "status": "final",
            "code": code or _metric_code(name),
            "subject": self.patient,
            "effectiveDateTime": day.isoformat(),
            **value,
        }
        if derived_from is not None:
            observation["performer"] = [self.patient]
            observation["derivedFrom"] = [derived_from]
        if device is not None:
            observation["device"] = device
        ref = self.out.add(observation)
        if derived_from is not None:
            self.by_patient.append(ref)
        return ref

    # -- documents -------------------------------------------------------------------------

    def document(self, doc_id: str, doc: Document, description: str | None = None) -> None:
        reference: dict[str, Any] = {
            "resourceType": "DocumentReference",
            "id": doc_id,
            "status": "current",
            "type": {"text": doc.kind},
            "subject": self.patient,
            "date": _instant(doc.created),
            "author": [self.app],
            "content": [
                {
                    "attachment": {
                        "contentType": doc.content_type,
                        "data": base64.b64encode(doc.data).decode("ascii"),
                        "title": doc.title,
                        "creation": _instant(doc.created),
                    }
                }
            ],
        }
        if description:
            reference["description"] = description
        self.by_app.append(self.out.add(reference))

    # -- provenance ------------------------------------------------------------------------

    def provenance(self) -> None:
        recorded = _instant(self.now)
        if self.by_patient:
            self.out.add(
                _provenance("provenance-patient", self.by_patient, recorded, self.patient, None)
            )
        for source, targets in sorted(self.by_source.items()):
            self.out.add(
                _provenance(
                    safe_id("provenance", source),
                    targets,
                    recorded,
                    self.sources[source],
                    self.patient,
                )
            )
        if self.by_app:
            self.out.add(
                _provenance("provenance-twitchwise", self.by_app, recorded, self.app, self.patient)
            )


def _device(device_id: str, name: str, version: str | None) -> dict[str, Any]:
    device: dict[str, Any] = {
        "resourceType": "Device",
        "id": device_id,
        "deviceName": [{"name": name, "type": "user-friendly-name"}],
    }
    if version:
        device["version"] = [{"value": version}]
    return device


def _provenance(
    prov_id: str, targets: list[Ref], recorded: str, who: Ref, on_behalf_of: Ref | None
) -> dict[str, Any]:
    agent: dict[str, Any] = {
        "type": {
            "coding": [{"system": codes.PROVENANCE_ROLE, "code": "author", "display": "Author"}]
        },
        "who": who,
    }
    if on_behalf_of is not None:
        agent["onBehalfOf"] = on_behalf_of
    return {
        "resourceType": "Provenance",
        "id": prov_id,
        "target": targets,
        "recorded": recorded,
        "agent": [agent],
    }


def _effective(twitch: Twitch) -> dict[str, Any]:
    start = twitch.time
    if twitch.duration_s:
        end = start + timedelta(seconds=twitch.duration_s)
        return {"effectivePeriod": {"start": start.isoformat(), "end": end.isoformat()}}
    return {"effectiveDateTime": start.isoformat()}


def _body_site(site: str) -> dict[str, Any]:
    """Text (no confirmed body-structure code), with the side as the IG's location qualifier."""
    concept: dict[str, Any] = {"text": site_label(site).capitalize()}
    side = site.split("_", 1)[0]
    if side in SIDES:
        concept["extension"] = [{"url": codes.LOCATION_QUALIFIER, "valueString": side}]
    return concept


def _twitch_components(twitch: Twitch) -> list[dict[str, Any]]:
    components: list[dict[str, Any]] = []
    if twitch.intensity is not None:
        components.append(
            {
                "code": {"coding": [codes.coding(codes.SEVERITY)]},
                "valueCodeableConcept": {
                    "text": f"{twitch.intensity} of 5 (1 barely noticeable, 5 visible and strong)"
                },
            }
        )
    components.append({"code": {"text": codes.COUNT_TEXT}, "valueInteger": twitch.count})
    return components


_SYMPTOM_REQUIRED = ("status", "category", "code", "subject", "performer", "valueCodeableConcept")


def _symptom_profile_complete(observation: dict[str, Any]) -> bool:
    """Claim the SymptomObservation profile only when every element it requires is there."""
    has_effective = "effectiveDateTime" in observation or "effectivePeriod" in observation
    return has_effective and all(observation.get(key) for key in _SYMPTOM_REQUIRED)


def _assessment_document(record: AssessmentRecord) -> tuple[Document, str]:
    content = json.dumps(
        {"case": record.case, "result": record.result}, ensure_ascii=False, indent=2
    )
    summary = record.result.get("summary")
    parts = [
        f"Triage: {record.triage}" if record.triage else None,
        summary if isinstance(summary, str) else None,
    ]
    doc = Document(
        title="twitchwise assessment (case and result)",
        content_type="application/json",
        data=content.encode("utf-8"),
        created=record.created_at,
        kind="twitchwise assessment: guidance, not a diagnosis",
    )
    return doc, ". ".join(p for p in parts if p)


def build_bundle(
    diary: Diary,
    *,
    documents: Sequence[Document] = (),
    app_version: str = "unknown",
    now: datetime | None = None,
) -> dict[str, Any]:
    """The whole diary as a FHIR R4 collection Bundle (a JSON-ready dict).

    `documents` are added as DocumentReferences next to the latest assessment: the hook for the
    doctor report's PDF.
    """
    moment = now or datetime.now(UTC).replace(microsecond=0)
    export = _Export(app_version, moment)
    export.out.add(questionnaire())
    for twitch in diary.list_twitches():
        export.twitch(twitch)
    given: dict[date, dict[str, float | bool]] = {}
    for checkin in diary.list_checkins():
        given[checkin.day] = export.checkin(checkin)
    for (day, name), (source, value) in sorted(diary.day_values_in_use().items()):
        if name not in given.get(day, {}):
            export.imported(day, name, source, value)
    latest = diary.list_assessments(limit=1)
    if latest:
        doc, description = _assessment_document(latest[0])
        export.document(safe_id("assessment", latest[0].id), doc, description)
    for n, doc in enumerate(documents, start=1):
        export.document(safe_id("document", n), doc)
    export.provenance()
    return export.out.bundle(str(uuid.uuid4()), _instant(moment))


def bundle_json(bundle: dict[str, Any]) -> bytes:
    """The bundle as UTF-8 JSON bytes, the form `application/fhir+json` sends."""
    # compact: the C encoder is used (indent would make a large diary's bundle seconds slower)
    return json.dumps(bundle, ensure_ascii=False, separators=(",", ":")).encode("utf-8")

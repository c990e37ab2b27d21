"""Your data, whole: the backup zip (docs/reference/backup-format.md) and the FHIR R4 bundle
(docs/reference/fhir.md), each one GET."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Depends, Query, Response

from twitchwise.backup import app_version, backup_bytes
from twitchwise.diary import Diary
from twitchwise.fhir import FHIR_MEDIA_TYPE, build_bundle, bundle_json, report_document

from .._deps import get_diary
from .._problems import problem_responses

router = APIRouter(tags=["your data"])


def _attachment(name: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{name}"'}


BACKUP_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {
        "content": {"application/zip": {"schema": {"type": "string", "format": "binary"}}},
        "description": "A zip of CSV and JSON Lines files with a manifest.json",
    }
}
FHIR_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {
        "content": {FHIR_MEDIA_TYPE: {"schema": {"type": "object"}}},
        "description": "A FHIR R4 Bundle of type collection",
    }
}


@router.get(
    "/backup",
    response_class=Response,
    responses=BACKUP_RESPONSE,
    summary="Everything in the diary as one backup zip (restore it with `twitchwise restore`)",
)
def backup(diary: Diary = Depends(get_diary)) -> Response:
    data, _ = backup_bytes(diary)
    name = f"twitchwise-backup-{date.today().isoformat()}.zip"
    return Response(data, media_type="application/zip", headers=_attachment(name))


@router.get(
    "/fhir",
    response_class=Response,
    responses={**FHIR_RESPONSE, **problem_responses(422)},
    summary="The diary as one FHIR R4 Bundle (type collection) for a clinician's system",
)
def fhir(
    diary: Diary = Depends(get_diary),
    report: bool = Query(
        True,
        description="include the doctor report of the last 90 days (PDF) as a DocumentReference",
    ),
) -> Response:
    document = report_document(diary) if report else None
    documents = [document] if document is not None else []
    data = bundle_json(build_bundle(diary, documents=documents, app_version=app_version()))
    name = f"twitchwise-fhir-{date.today().isoformat()}.json"
    return Response(data, media_type=FHIR_MEDIA_TYPE, headers=_attachment(name))

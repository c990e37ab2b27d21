"""The diary as one FHIR R4 Bundle (docs/reference/fhir.md); plain dicts, no FHIR library needed
at run time."""

from __future__ import annotations

from ._build import Document, build_bundle, bundle_json
from ._questionnaire import QUESTIONNAIRE_URL
from ._report import report_document

FHIR_MEDIA_TYPE = "application/fhir+json"

__all__ = [
    "FHIR_MEDIA_TYPE",
    "QUESTIONNAIRE_URL",
    "Document",
    "build_bundle",
    "bundle_json",
    "report_document",
]

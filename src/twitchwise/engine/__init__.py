"""The assessment engine: pure functions from a case to an assessment. No I/O, no interfaces."""

from __future__ import annotations

from ._assess import assess
from ._assessment import Assessment, Contributor, PlanItem, RaisedFlag
from ._case import Case, Factors
from ._json import CaseJSONError, loads_case_json
from ._vocab import Triage

__all__ = [
    "Assessment",
    "Case",
    "CaseJSONError",
    "Contributor",
    "Factors",
    "PlanItem",
    "RaisedFlag",
    "Triage",
    "assess",
    "loads_case_json",
]

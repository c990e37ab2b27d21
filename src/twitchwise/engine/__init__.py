"""The assessment engine: pure functions from a case to an assessment. No I/O, no interfaces.

The public names load on first use (module `__getattr__`), so importing `twitchwise.engine._vocab`
(the command line's site ids) does not build the engine's pydantic models and knowledge base.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from twitchwise._lazy import lazy_exports

if TYPE_CHECKING:
    from ._assess import assess
    from ._assessment import Assessment, Contributor, PlanItem, RaisedFlag
    from ._case import Case, Factors
    from ._json import CaseJSONError, loads_case_json
    from ._vocab import Triage

_WHERE = {
    "assess": "_assess",
    **dict.fromkeys(("Assessment", "Contributor", "PlanItem", "RaisedFlag"), "_assessment"),
    **dict.fromkeys(("Case", "Factors"), "_case"),
    **dict.fromkeys(("CaseJSONError", "loads_case_json"), "_json"),
    "Triage": "_vocab",
}

__getattr__, __dir__ = lazy_exports(__name__, globals(), _WHERE)


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

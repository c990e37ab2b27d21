"""Reading case JSON strictly: a repeated key, NaN or Infinity, or absurd nesting is refused.

`json.loads` lets the second of two `symptoms` keys silently win (which can drop an emergency
symptom), accepts NaN and Infinity, and raises RecursionError on deep nesting. Cases are health
information, so each of these is an error that says what was wrong.
"""

from __future__ import annotations

import json
from typing import Any

MAX_DEPTH = 32


class CaseJSONError(ValueError):
    """The text is not acceptable case JSON; the message says why, and `key` names a repeated
    key."""

    def __init__(self, message: str, key: str | None = None) -> None:
        super().__init__(message)
        self.key = key


def _no_repeats(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    for key, value in pairs:
        if key in seen:
            raise CaseJSONError(f"the key '{key}' appears twice in one object; give it once", key)
        seen[key] = value
    return seen


def _no_constant(name: str) -> Any:
    raise CaseJSONError(f"{name} is not a number here; write a number such as 0 or 7.5")


def _depth(text: str) -> int:
    """The deepest nesting of brackets outside strings (a cheap scan before parsing)."""
    depth = deepest = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}":
            depth -= 1
    return deepest


def loads_case_json(text: str) -> Any:
    """Parse `text` as JSON, refusing repeated keys, NaN/Infinity and nesting deeper than
    MAX_DEPTH (raises CaseJSONError; a syntax error stays json.JSONDecodeError)."""
    if _depth(text) > MAX_DEPTH:
        raise CaseJSONError(f"nested more than {MAX_DEPTH} levels deep; a case is never that deep")
    return json.loads(text, object_pairs_hook=_no_repeats, parse_constant=_no_constant)

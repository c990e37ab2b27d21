"""Cell by cell: a column's Python value to the text of a backup file and back, by column type.

The type of each column comes from the table definition, so a new column of a known type needs
no code here. CSV cells are text: an empty cell is null (a nullable text column never holds an
empty string, the diary stores none); JSON Lines keep JSON's own types.
"""

from __future__ import annotations

import json
import math
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Column, Date, DateTime, Float, Integer, String


class CellError(ValueError):
    """A cell that does not hold a value of its column's type."""


def _kind(column: Column[Any]) -> str:
    kind = column.type
    for cls, name in (
        (Boolean, "bool"),
        (DateTime, "datetime"),
        (Date, "date"),
        (Integer, "int"),
        (Float, "float"),
        (JSON, "json"),
        (String, "text"),
    ):
        if isinstance(kind, cls):
            return name
    raise CellError(f"column {column.name} has a type a backup cannot hold: {kind!r}")


def to_json(column: Column[Any], value: Any) -> Any:
    """A JSON-ready value (JSON Lines files)."""
    if value is None:
        return None
    kind = _kind(column)
    if kind in ("date", "datetime"):
        return value.isoformat()
    if kind == "float":
        return _finite(float(value))
    return value


def to_cell(column: Column[Any], value: Any) -> str:
    """The CSV cell text."""
    if value is None:
        return ""
    kind = _kind(column)
    if kind == "bool":
        return "true" if value else "false"
    if kind == "json":
        return json.dumps(value, ensure_ascii=False, allow_nan=False)
    if kind == "float":
        return repr(_finite(float(value)))
    if kind in ("date", "datetime"):
        return str(value.isoformat())
    return str(value)


def from_json(column: Column[Any], value: Any) -> Any:
    """The Python value of a JSON Lines field."""
    if value is None:
        return _null(column)
    kind = _kind(column)
    if kind == "json":
        return value
    if kind in ("date", "datetime", "text"):
        if not isinstance(value, str):
            raise CellError(f"must be text, got {type(value).__name__}")
        return _parse(kind, value)
    return _number(kind, value)


def from_cell(column: Column[Any], cell: str) -> Any:
    """The Python value of a CSV cell."""
    kind = _kind(column)
    if cell == "":
        return "" if kind == "text" and not column.nullable else _null(column)
    if kind == "json":
        try:
            return json.loads(cell)
        except json.JSONDecodeError as exc:
            raise CellError(f"is not JSON ({exc.msg})") from None
    if kind == "bool":
        if cell not in ("true", "false"):
            raise CellError(f"must be true or false, got {cell!r}")
        return cell == "true"
    return _parse(kind, cell)


_NAMES = {
    "date": "a date (YYYY-MM-DD)",
    "datetime": "a date and time (ISO 8601)",
    "int": "a whole number",
    "float": "a number",
}


def _parse(kind: str, text: str) -> Any:
    try:
        if kind == "date":
            return date.fromisoformat(text)
        if kind == "datetime":
            return datetime.fromisoformat(text)
        if kind == "int":
            return int(text)
        if kind == "float":
            return _finite(float(text))
    except ValueError:
        raise CellError(f"is not {_NAMES[kind]}: {text!r}") from None
    return text


def _number(kind: str, value: Any) -> Any:
    if kind == "bool":
        if not isinstance(value, bool):
            raise CellError(f"must be true or false, got {value!r}")
        return value
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise CellError(f"must be a number, got {value!r}")
    if kind == "int":
        if not float(value).is_integer():
            raise CellError(f"must be a whole number, got {value!r}")
        return int(value)
    return _finite(float(value))


def _finite(value: float) -> float:
    if not math.isfinite(value):
        raise CellError(f"must be a finite number, got {value!r}")
    return value


def _null(column: Column[Any]) -> None:
    if not column.nullable:
        raise CellError("is empty, but the column needs a value")
    return None

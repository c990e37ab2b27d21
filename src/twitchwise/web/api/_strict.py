"""Strict reading of API input: JSON types as the schema says, nothing coerced.

FastAPI validates bodies in pydantic's lax Python mode, where `false` passes as the number 0 and
`0` as the date 1970-01-01. For a health record that is guessing, so every body is also checked
in strict JSON mode (ISO dates and numbers only), and dates in paths and queries must be ISO.
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable
from datetime import date
from typing import Annotated, Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, BeforeValidator, ValidationError

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")


def _iso_date(value: Any) -> Any:
    if isinstance(value, date):
        return value
    if isinstance(value, str) and _ISO_DATE.match(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise ValueError("must be a date like 2026-03-02")


IsoDate = Annotated[date, BeforeValidator(_iso_date)]


def strict_body(
    model: type[BaseModel], unique: tuple[str, ...] = ()
) -> Callable[[Request], Awaitable[None]]:
    """A dependency refusing a body that only passes `model` by coercion (or repeats an item
    of the `unique` list fields)."""

    async def check(request: Request) -> None:
        raw = await request.body()
        try:
            model.model_validate_json(raw, strict=True)
        except ValidationError as exc:
            errors = [
                {"loc": ("body", *e["loc"]), "msg": e["msg"], "type": e["type"]}
                for e in exc.errors()
            ]
            raise RequestValidationError(errors) from None
        data = json.loads(raw)
        for name in unique:
            items = data.get(name) if isinstance(data, dict) else None
            if isinstance(items, list) and len({json.dumps(i) for i in items}) != len(items):
                raise RequestValidationError(
                    [{"loc": ("body", name), "msg": "lists an item twice", "type": "unique"}]
                )

    return check


EMPTY_JSON_BODY: dict[str, Any] = {
    "requestBody": {
        "required": False,
        "content": {
            "application/json": {
                "schema": {"type": "object", "additionalProperties": False, "maxProperties": 0}
            }
        },
    }
}
"""The OpenAPI entry of a write that takes no data: nothing, or `{}`, sent as JSON."""


async def empty_json_body(request: Request) -> None:
    """A dependency for a write without data: the body is empty or `{}` (its JSON content type
    is what a cross-site form cannot send; `_limits.py` checks it)."""
    raw = await request.body()
    if raw.strip() and _json_or_none(raw) != {}:
        raise RequestValidationError(
            [{"loc": ("body",), "msg": "send no body or an empty JSON object {}", "type": "empty"}]
        )


def _json_or_none(raw: bytes) -> Any:
    try:
        return json.loads(raw)
    except ValueError:
        return None

"""A readable API reference built from the app's own OpenAPI document, rendered on the server:
no script, nothing from a CDN, and accessible (Swagger UI stays available as the interactive
alternative)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

METHODS = ("get", "post", "put", "patch", "delete")


@dataclass(frozen=True)
class Row:
    name: str
    type: str
    required: bool
    notes: str


@dataclass(frozen=True)
class Operation:
    anchor: str
    method: str
    path: str
    summary: str
    description: str
    parameters: list[Row]
    body: str | None
    responses: list[tuple[str, str, str]]  # status, media type + schema, description
    body_media: str = "application/json"
    """The request body's media type; a body that is not JSON (an upload) lists its fields."""


@dataclass(frozen=True)
class Schema:
    name: str
    description: str
    properties: list[Row] = field(default_factory=list)


def type_of(schema: dict[str, Any]) -> str:
    """A short, human type for a JSON schema (`number (0 to 24) or null`, `list of SiteId`)."""
    if "$ref" in schema:
        return str(schema["$ref"]).rsplit("/", 1)[-1]
    for key in ("anyOf", "oneOf"):
        if key in schema:
            return " or ".join(type_of(s) for s in schema[key])
    if "enum" in schema:
        return "one of " + ", ".join(str(v) for v in schema["enum"])
    if "const" in schema:
        return repr(schema["const"])
    kind = schema.get("type", "any")
    if kind == "array":
        text = f"list of {type_of(schema.get('items', {}))}"
    elif "format" in schema:
        text = f"{kind} ({schema['format']})"
    else:
        text = str(kind)
    return text + _range(schema)


def _range(schema: dict[str, Any]) -> str:
    lo = schema.get("minimum", schema.get("exclusiveMinimum"))
    hi = schema.get("maximum", schema.get("exclusiveMaximum"))
    if lo is not None and hi is not None:
        return f", {lo} to {hi}"
    if lo is not None:
        return f", at least {lo}"
    if hi is not None:
        return f", at most {hi}"
    return ""


def operations(doc: dict[str, Any]) -> list[Operation]:
    found = []
    for path, item in doc.get("paths", {}).items():
        for method in METHODS:
            op = item.get(method)
            if op is None:
                continue
            params = [
                Row(p["name"], f"{p['in']}: {type_of(p.get('schema', {}))}",
                    bool(p.get("required")), p.get("description", ""))
                for p in op.get("parameters", [])
            ]  # fmt: skip
            body, body_media = None, "application/json"
            if "requestBody" in op:
                body_media, body = _body(op["requestBody"])
            responses = [
                (code, _media(resp), resp.get("description", ""))
                for code, resp in op.get("responses", {}).items()
            ]
            anchor = f"{method}-{path}".replace("/", "-").replace("{", "").replace("}", "")
            found.append(
                Operation(anchor, method.upper(), path, op.get("summary", ""),
                          op.get("description", ""), params, body, responses, body_media)
            )  # fmt: skip
    return found


def _body(request_body: dict[str, Any]) -> tuple[str, str]:
    """The body's media type and its JSON type, or (an upload) its form fields."""
    content: dict[str, Any] = request_body.get("content", {})
    if "application/json" in content:
        return "application/json", type_of(content["application/json"].get("schema", {}))
    for media, spec in content.items():  # the first other kind, e.g. multipart/form-data
        fields = spec.get("schema", {}).get("properties", {})
        return media, ", ".join(f"{name} ({type_of(s)})" for name, s in fields.items()) or "any"
    return "any", "any"


def _media(response: dict[str, Any]) -> str:
    parts = [
        f"{media}: {type_of(spec.get('schema', {}))}"
        for media, spec in response.get("content", {}).items()
    ]
    return "; ".join(parts) or "no body"


def schemas(doc: dict[str, Any]) -> list[Schema]:
    out = []
    for name, schema in sorted(doc.get("components", {}).get("schemas", {}).items()):
        required = set(schema.get("required", []))
        rows = [
            Row(prop, type_of(spec), prop in required, spec.get("description", ""))
            for prop, spec in schema.get("properties", {}).items()
        ]
        description = schema.get("description", "")
        if "enum" in schema:
            description = (description + " " + type_of(schema)).strip()
        out.append(Schema(name, description, rows))
    return out

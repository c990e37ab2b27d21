"""Errors as RFC 9457 problem details (`application/problem+json`), each naming the bad field.

Bad input is the caller's mistake, so it must come back as a 4xx that says which field is wrong
and why; a 500 for bad input would hide the answer from an integrator and is treated as a bug.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Sequence
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field, ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from twitchwise.diary import DatabaseFailure

PROBLEM_MEDIA_TYPE = "application/problem+json"
RETRY_AFTER_S = 5
"""Seconds a client is asked to wait when the database is unreachable or locked."""

PROBLEM_TYPES = {404: "/problems/not-found", 422: "/problems/invalid-input"}

PageErrorHandler = Callable[[Request, StarletteHTTPException], Awaitable[Any]]

_LOCATIONS = {"body", "query", "path", "header", "cookie"}


class FieldError(BaseModel):
    """One bad field: where it is and what is wrong with it."""

    field: str = Field(description="dotted path of the field, e.g. `factors.sleep_hours`")
    message: str
    location: str = Field("body", description="body, query, path or header")


class Problem(BaseModel):
    """An RFC 9457 problem detail, plus `errors` listing every bad field."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str
    errors: list[FieldError] = Field(default_factory=list)


class ApiError(Exception):
    """Raised by API handlers for a problem that is not a validation error (e.g. not found)."""

    def __init__(self, status: int, title: str, detail: str, errors: Sequence[FieldError] = ()):
        super().__init__(detail)
        self.status, self.title, self.detail, self.errors = status, title, detail, list(errors)


def field_errors(
    errors: Iterable[dict[str, Any]], prefix: Sequence[str | int] = ()
) -> list[FieldError]:
    """Pydantic/FastAPI error dicts as FieldErrors with a dotted field path."""
    out = []
    for err in errors:
        loc = [*prefix, *err.get("loc", ())]
        location = "body"
        if loc and loc[0] in _LOCATIONS:
            location = str(loc.pop(0))
        field = ".".join(str(p) for p in loc) or location
        if err.get("type") == "json_invalid":
            field = location
        out.append(
            FieldError(
                field=field,
                message=str(err.get("msg", "invalid")).removeprefix("Value error, "),
                location=location,
            )
        )
    return out


def problem_response(problem: Problem) -> JSONResponse:
    return JSONResponse(
        problem.model_dump(mode="json"), status_code=problem.status, media_type=PROBLEM_MEDIA_TYPE
    )


def invalid_input(errors: list[FieldError]) -> JSONResponse:
    names = ", ".join(dict.fromkeys(e.field for e in errors))
    return problem_response(
        Problem(
            type=PROBLEM_TYPES[422],
            title="Invalid input",
            status=422,
            detail=f"Please check: {names}." if names else "The request could not be read.",
            errors=errors,
        )
    )


def validation_problem(exc: ValidationError, prefix: Sequence[str | int] = ()) -> JSONResponse:
    return invalid_input(field_errors(exc.errors(), prefix))  # type: ignore[arg-type]


def install_problem_handlers(app: FastAPI, page_handler: PageErrorHandler) -> None:
    """Problem+json for the API and the OpenAPI document; `page_handler` renders HTML errors."""

    async def on_validation(request: Request, exc: RequestValidationError) -> Any:
        if not is_api(request):
            detail = "; ".join(f"{e.field}: {e.message}" for e in field_errors(exc.errors()))
            return await page_handler(request, StarletteHTTPException(400, detail))
        return invalid_input(field_errors(exc.errors()))

    async def on_api_error(request: Request, exc: ApiError) -> JSONResponse:
        return problem_response(
            Problem(
                type="about:blank",
                title=exc.title,
                status=exc.status,
                detail=exc.detail,
                errors=exc.errors,
            )
        )

    async def on_http(request: Request, exc: StarletteHTTPException) -> Any:
        if not is_api(request):
            return await page_handler(request, exc)
        if exc.status_code == 400:  # FastAPI could not parse the body: the body is the bad field
            message = "could not be read; send a UTF-8 JSON document"
            return invalid_input([FieldError(field="body", message=message)])
        problem = Problem(
            title=_title(exc.status_code), status=exc.status_code, detail=str(exc.detail)
        )
        response = problem_response(problem)
        if exc.headers:
            response.headers.update(exc.headers)
        return response

    async def on_database(request: Request, exc: DatabaseFailure) -> Any:
        status = 503 if exc.retry else 500
        headers = {"Retry-After": str(RETRY_AFTER_S)} if exc.retry else {}
        if not is_api(request):
            detail = (
                "The diary is not reachable just now; nothing was lost. Try again in a moment."
                if exc.retry
                else "The diary's database file is damaged, so it cannot be read. Nothing was "
                "changed; restore the file from a backup."
            )
            return await page_handler(request, StarletteHTTPException(status, detail, headers))
        title = "Diary not reachable" if exc.retry else "Diary damaged"
        response = problem_response(
            Problem(
                title=title,
                status=status,
                detail=exc.message,
                errors=[FieldError(field="db", message=exc.message, location="server")],
            )
        )
        response.headers.update(headers)
        return response

    async def on_unexpected(request: Request, exc: Exception) -> Any:
        detail = "Something went wrong inside twitchwise; please try again."
        if not is_api(request):
            return await page_handler(request, StarletteHTTPException(500, detail))
        return problem_response(Problem(title="Internal Server Error", status=500, detail=detail))

    app.add_exception_handler(DatabaseFailure, on_database)  # type: ignore[arg-type]
    app.add_exception_handler(Exception, on_unexpected)
    app.add_exception_handler(RequestValidationError, on_validation)  # type: ignore[arg-type]
    app.add_exception_handler(ApiError, on_api_error)  # type: ignore[arg-type]
    app.add_exception_handler(StarletteHTTPException, on_http)  # type: ignore[arg-type]


def is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _title(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def _add_write_limits(schema: dict[str, Any], operation: dict[str, Any]) -> None:
    schemas = schema.setdefault("components", {}).setdefault("schemas", {})
    if "Problem" not in schemas:
        problem = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
        schemas.update(problem.pop("$defs", {}))
        schemas["Problem"] = problem
    ref = {"$ref": "#/components/schemas/Problem"}
    for status, description in (
        ("413", "The body is larger than 1 MiB"),
        ("415", "The request's Content-Type is not application/json"),
    ):
        operation.setdefault("responses", {}).setdefault(
            status, {"description": description, "content": {PROBLEM_MEDIA_TYPE: {"schema": ref}}}
        )


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The `responses=` entry declaring problem+json bodies for the given error statuses."""
    descriptions = {
        404: "Not found",
        409: "Conflict",
        413: "Upload too large",
        503: "The diary's database is not reachable (Retry-After says when to try again)",
        422: "Invalid input: `errors` names each bad field",
    }
    return {s: {"model": Problem, "description": descriptions.get(s, _title(s))} for s in statuses}


def move_problem_schemas(schema: dict[str, Any]) -> dict[str, Any]:
    """In the OpenAPI document, declare error bodies as application/problem+json, and the
    413 and 415 every write can get (`_limits.py`: a body over 1 MiB, a type that is not JSON)."""
    for url, path in schema.get("paths", {}).items():
        for method, operation in path.items():
            if url.startswith("/api/") and method in ("post", "put", "patch"):
                _add_write_limits(schema, operation)
            for code, response in operation.get("responses", {}).items():
                content = response.get("content", {})
                if code[:1] in "45" and "application/json" in content:
                    content[PROBLEM_MEDIA_TYPE] = content.pop("application/json")
    return schema

"""Request body limits and the JSON-only rule for the API, enforced before a body is read.

A page on any site can make the browser POST to 127.0.0.1 (a form, or `fetch` in `no-cors`
mode) with a `text/plain`, form or multipart body of any size. Without a limit such a body is
read into memory whole; without a content-type rule the JSON API would act on it. So:

- every state-changing API request (POST, PUT, PATCH) must say `Content-Type: application/json`
  (or a `+json` type). A cross-site form or `no-cors` fetch cannot send that type without a CORS
  preflight, which this app never grants, so this is also the API's CSRF defence, including
  for routes without a body such as `POST /experiments/{id}/end`. Anything else gets 415 before
  a byte of the body is read.
- every body has a size limit: `JSON_LIMIT` for the API and the HTML forms, the upload limit
  for the import page. A declared `Content-Length` over the limit is refused at once; a
  streamed (chunked) body is counted and refused as soon as it passes the limit. Both are 413.
"""

from __future__ import annotations

import json

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ._problems import PROBLEM_MEDIA_TYPE

JSON_LIMIT = 1024 * 1024
"""Largest JSON or form body (bytes). A year of check-ins fits many times over."""

UPLOAD_PATHS = frozenset({"/import", "/api/v1/imports"})
"""Paths that take an upload, with the upload limit instead of `JSON_LIMIT`."""

API_UPLOAD_PATHS = frozenset({"/api/v1/imports"})
"""API routes that take a multipart file instead of JSON. A cross-site form can send multipart,
so these routes refuse any request without the `X-Requested-With: twitchwise` header (which needs
a CORS preflight the app never grants) before reading the body: see `web/api/imports.py`."""

_UNSAFE = frozenset({"POST", "PUT", "PATCH"})
_HAS_BODY = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def is_json_type(content_type: str | None) -> bool:
    """`application/json` or any `application/...+json` type, parameters ignored."""
    if not content_type:
        return False
    media = content_type.split(";", 1)[0].strip().lower()
    return media == "application/json" or (
        media.startswith("application/") and media.endswith("+json")
    )


class BodyTooLarge(HTTPException):
    """Raised while a body is read, so the app's error handlers answer (problem+json or page)."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"The request body is larger than the limit of {_size(limit)}.")


class BodyLimitMiddleware:
    """Refuses non-JSON writes to the API (415) and bodies over their limit (413)."""

    def __init__(self, app: ASGIApp, upload_limit: int, json_limit: int = JSON_LIMIT) -> None:
        self.app, self.upload_limit, self.json_limit = app, upload_limit, json_limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in _HAS_BODY:
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        path: str = scope["path"]
        api = path.startswith("/api/")
        json_only = api and path not in API_UPLOAD_PATHS
        if (
            json_only
            and scope["method"] in _UNSAFE
            and not is_json_type(headers.get("content-type"))
        ):
            await _problem(send, 415, "Unsupported Media Type", _NOT_JSON)
            return
        limit = self.upload_limit if path in UPLOAD_PATHS else self.json_limit
        declared = headers.get("content-length", "")
        if api and declared.isdigit() and int(declared) > limit:
            await _problem(send, 413, "Content Too Large", BodyTooLarge(limit).detail)
            return
        # A page answers with its error page: the body's first read raises BodyTooLarge.
        await self.app(scope, _counting(receive, limit, declared), send)


_NOT_JSON = (
    "This API only accepts JSON: send the request with Content-Type: application/json "
    "(even when it has no body)."
)


def _counting(receive: Receive, limit: int, declared: str) -> Receive:
    seen = 0
    too_big = declared.isdigit() and int(declared) > limit

    async def counted() -> Message:
        nonlocal seen
        if too_big:
            raise BodyTooLarge(limit)
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > limit:
                raise BodyTooLarge(limit)
        return message

    return counted


async def _problem(send: Send, status: int, title: str, detail: str) -> None:
    body = json.dumps(
        {"type": "about:blank", "title": title, "status": status, "detail": detail, "errors": []}
    ).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", PROBLEM_MEDIA_TYPE.encode()),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def _size(n: int) -> str:
    if n >= 1024**3 and n % 1024**3 == 0:
        return f"{n // 1024**3} GiB"
    return f"{n / 1024**2:g} MiB"

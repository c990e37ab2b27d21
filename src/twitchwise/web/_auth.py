"""Who is asking: the one place every request is signed in (or refused) when accounts are on.

`AuthMiddleware` runs before any route and before any body is read. It finds the person from
the session cookie (pages and the API in a browser) or, for `/api/` only, from an
`Authorization: Bearer tw_...` personal access token, and puts the result on
`request.state.signed_in`. A request to anything but the few public paths without valid
credentials is refused there: the API answers 401 problem+json with `WWW-Authenticate: Bearer`,
a page redirects (303) to the sign-in page with a safe `next` path. `get_diary` (`_deps.py`) then
opens only that person's diary.

A bearer-token request is not a CSRF risk because a browser never adds that header by itself; a
cookie-authenticated API write keeps the JSON-only rule (`_limits.py`), the API's CSRF defence.
With accounts off this middleware is not installed and the app is one person's, as before.
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlsplit

from sqlalchemy.exc import SQLAlchemyError
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from ._problems import RETRY_AFTER_S, Problem, problem_response
from ._security import read_cookie

if TYPE_CHECKING:
    from twitchwise.accounts import Accounts, SignedIn

log = logging.getLogger(__name__)

SESSION_COOKIE = "twitchwise_session"
"""The session cookie's name on plain http (a loopback address)."""
SECURE_SESSION_COOKIE = "__Host-twitchwise_session"
"""Its name on https: the `__Host-` prefix makes the browser refuse it unless it is Secure, has
Path=/ and no Domain, so a sub-domain or a plain-http page cannot plant or overwrite it."""

PUBLIC_PATHS = frozenset(
    {
        "/sign-in",
        "/sign-in/passkey/options",  # a passkey sign-in's two steps
        "/sign-in/passkey",
        "/api/v1/health",
        "/sw.js",  # the service worker, registered by every page (the sign-in page too)
        "/docs",  # the API reference: no data, only the shape of the API
        "/docs/interactive",
        "/openapi.json",
        "/about",
    }
)
PUBLIC_PREFIXES = ("/static/",)
"""Paths served without signing in; everything else needs a person (default deny)."""

UNAUTHENTICATED = (
    "Sign in first: send a session cookie (the web app) or a personal access token "
    "(Authorization: Bearer tw_...; create one on the Account page)."
)
BAD_TOKEN = "That access token is not valid (unknown, revoked or malformed)."
_SAFE_NEXT = re.compile(r"^/(?![/\\])[^\s\x00-\x1f\x7f\\]*$")


def is_public(path: str) -> bool:
    return path in PUBLIC_PATHS or path.startswith(PUBLIC_PREFIXES)


def is_https(scope: Scope) -> bool:
    """True when the browser talks https to us (directly, or through a trusted proxy, whose
    X-Forwarded-Proto uvicorn has already applied to the scope)."""
    return scope.get("scheme") == "https"


def session_cookie_name(scope: Scope) -> str:
    return SECURE_SESSION_COOKIE if is_https(scope) else SESSION_COOKIE


def safe_next(value: str | None) -> str:
    """`value` if it is a path on this site ("/diary?day=2"), else "/": never another site
    (`//evil.example`, `https://...`, `/\\evil`), so the sign-in page is no open redirect."""
    if not value or len(value) > 2000 or not _SAFE_NEXT.match(value):
        return "/"
    parts = urlsplit(value)
    if parts.scheme or parts.netloc or parts.path == "/sign-in":
        return "/"
    return value


def sign_in_url(next_path: str | None) -> str:
    target = safe_next(next_path)
    return "/sign-in" if target == "/" else f"/sign-in?next={quote(target, safe='/')}"


class AuthMiddleware:
    """Resolves `request.state.signed_in` and refuses anonymous requests (see the module)."""

    def __init__(self, app: ASGIApp, accounts: Accounts) -> None:
        self.app, self.accounts = app, accounts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        scope.setdefault("state", {})
        scope["state"]["signed_in"] = None
        if path.startswith(PUBLIC_PREFIXES):  # static files: no database round trip
            await self.app(scope, receive, send)
            return
        try:
            signed_in, bad_token = await run_in_threadpool(self._who, scope)
        except SQLAlchemyError:
            log.exception("could not read the accounts")
            await _unavailable(scope)(scope, receive, send)
            return
        scope["state"]["signed_in"] = signed_in
        if signed_in is None and not is_public(path):
            await refusal(scope, bad_token)(scope, receive, send)
            return
        await self.app(scope, receive, send)

    def _who(self, scope: Scope) -> tuple[SignedIn | None, bool]:
        """(who is asking or None, whether a bearer token was sent and refused)."""
        if scope["path"].startswith("/api/"):
            header = Headers(scope=scope).get("authorization")
            if header is not None:
                scheme, _, secret = header.strip().partition(" ")
                if scheme.lower() != "bearer":
                    return None, True
                found = self.accounts.token_person(secret.strip())
                return found, found is None
        cookie = read_cookie(scope, session_cookie_name(scope))
        return (self.accounts.session_person(cookie) if cookie else None), False


def refusal(scope: Scope, bad_token: bool = False) -> Response:
    """401 problem+json for the API; a redirect to the sign-in page for a page."""
    path: str = scope["path"]
    if path.startswith("/api/"):
        response = problem_response(
            Problem(
                type="/problems/unauthenticated",
                title="Unauthorized",
                status=401,
                detail=BAD_TOKEN if bad_token else UNAUTHENTICATED,
            )
        )
        challenge = 'Bearer realm="twitchwise"'
        if bad_token:
            challenge += ', error="invalid_token"'
        response.headers["WWW-Authenticate"] = challenge
        return response
    query = scope.get("query_string", b"").decode("latin-1")
    here = path + (f"?{query}" if query else "")
    target = sign_in_url(here if scope["method"] in ("GET", "HEAD") else None)
    headers = Headers(scope=scope)
    if headers.get("hx-request") == "true":
        # htmx would swap the sign-in page into a fragment: ask it to load the page instead,
        # and come back to the page the person was on (not to a form's post address).
        current = urlsplit(headers.get("hx-current-url", ""))
        back = current.path + (f"?{current.query}" if current.query else "")
        return Response(status_code=401, headers={"HX-Redirect": sign_in_url(back)})
    return RedirectResponse(target, status_code=303)


def _unavailable(scope: Scope) -> Response:
    detail = "The diary is not reachable just now; nothing was lost. Try again in a moment."
    headers = {"Retry-After": str(RETRY_AFTER_S)}
    if scope["path"].startswith("/api/"):
        response = problem_response(Problem(title="Diary not reachable", status=503, detail=detail))
        response.headers.update(headers)
        return response
    templates: Any = scope["app"].state.templates
    page: Response = templates.TemplateResponse(
        Request(scope),
        "error.html",
        {"status": 503, "detail": detail, "page": None},
        status_code=503,
        headers=headers,
    )
    return page


def add_sign_in(schema: dict[str, Any]) -> dict[str, Any]:
    """In the OpenAPI document (accounts on): how to sign in, and the 401 of every API route
    but the public ones."""
    components = schema.setdefault("components", {})
    components.setdefault("securitySchemes", {}).update(
        {
            "accessToken": {
                "type": "http",
                "scheme": "bearer",
                "description": "a personal access token (`tw_...`) from the Account page, "
                "`POST /api/v1/tokens` or `twitchwise user token EMAIL`",
            },
            "sessionCookie": {
                "type": "apiKey",
                "in": "cookie",
                "name": SESSION_COOKIE,
                "description": "the web app's sign-in (`__Host-twitchwise_session` on https)",
            },
        }
    )
    schema["security"] = [{"accessToken": []}, {"sessionCookie": []}]
    problem = {"$ref": "#/components/schemas/Problem"}
    for url, path in schema.get("paths", {}).items():
        for operation in path.values():
            if is_public(url):
                operation["security"] = []
                continue
            operation.setdefault("responses", {}).setdefault(
                "401",
                {
                    "description": "Not signed in, or the access token is not valid",
                    "content": {"application/problem+json": {"schema": problem}},
                },
            )
    if "Problem" not in components.get("schemas", {}):
        from ._problems import Problem as ProblemModel

        model = ProblemModel.model_json_schema(ref_template="#/components/schemas/{model}")
        components.setdefault("schemas", {}).update(model.pop("$defs", {}))
        components["schemas"]["Problem"] = model
    return schema

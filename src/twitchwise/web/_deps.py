"""Request dependencies shared by pages and the API: the diary, templates, CSRF check."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from fastapi import Request
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException

from ._limits import UPLOAD_PATHS
from ._security import CSRF_FIELD, CsrfSigner

if TYPE_CHECKING:
    from twitchwise.accounts import Accounts, SignedIn
    from twitchwise.diary import Diary
    from twitchwise.settings import Settings


def get_diary(request: Request) -> Diary:
    """The diary of whoever is asking: with accounts on, the signed-in person's own view (never
    the app's global diary); with accounts off, the one local person's diary."""
    diary = cast("Diary", request.app.state.diary)
    if not get_settings(request).accounts:
        return diary
    return diary.for_person(require_signed_in(request).person.id)


def get_database(request: Request) -> Diary:
    """The app's diary object for what reads no one's data (the health check's ping)."""
    return cast("Diary", request.app.state.diary)


def get_signed_in(request: Request) -> SignedIn | None:
    """Who `_auth.AuthMiddleware` found asking (None with accounts off, or on a public page)."""
    return cast("SignedIn | None", getattr(request.state, "signed_in", None))


def require_signed_in(request: Request) -> SignedIn:
    """The signed-in person, or 401: a route that needs one fails closed even if a public path
    were ever listed by mistake."""
    signed_in = get_signed_in(request)
    if signed_in is None:
        raise HTTPException(401, "Sign in first.", headers={"WWW-Authenticate": "Bearer"})
    return signed_in


def get_accounts(request: Request) -> Accounts:
    """The accounts (404 when accounts are off: there is nothing to sign in to)."""
    accounts = getattr(request.app.state, "accounts", None)
    if accounts is None:
        raise HTTPException(404, "Accounts are not turned on for this diary.")
    return cast("Accounts", accounts)


def get_settings(request: Request) -> Settings:
    return cast("Settings", request.app.state.settings)


def get_templates(request: Request) -> Jinja2Templates:
    return cast(Jinja2Templates, request.app.state.templates)


async def verify_csrf(request: Request) -> None:
    """Refuses a state-changing form post whose token does not match the browser's cookie.

    Upload routes (`_limits.UPLOAD_PATHS`) check the token themselves while streaming the body
    (`check_csrf_token`), so a forged upload is refused before its file is written anywhere.
    """
    if request.method in {"GET", "HEAD", "OPTIONS"}:
        return
    token = request.headers.get("X-CSRF-Token")
    if token is None and request.url.path in UPLOAD_PATHS:
        return
    if token is None:
        try:
            form = await request.form()
        except HTTPException:  # e.g. 413: the body is over the limit
            raise
        except Exception:  # an unreadable body cannot carry a valid token
            form = None
        value = form.get(CSRF_FIELD) if form is not None else None
        token = value if isinstance(value, str) else None
    check_csrf_token(request, token)


def check_csrf_token(request: Request, token: str | None) -> None:
    """Raises 403 unless `token` (or the X-CSRF-Token header) matches the browser's cookie."""
    signer = cast(CsrfSigner, request.app.state.csrf)
    token = request.headers.get("X-CSRF-Token") or token
    if not signer.is_valid(request.state.csrf_cookie, token):
        raise HTTPException(
            403,
            "This form could not be verified (it may have expired). "
            "Go back, reload the page and try again.",
        )

"""Request dependencies shared by pages and the API: the diary, templates, CSRF check."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from fastapi import Request
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException

from ._limits import UPLOAD_PATHS
from ._security import CSRF_FIELD, CsrfSigner

if TYPE_CHECKING:
    from twitchwise.diary import Diary
    from twitchwise.settings import Settings


def get_diary(request: Request) -> Diary:
    return cast("Diary", request.app.state.diary)


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

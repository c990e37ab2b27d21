"""Signing in and out (accounts on): the email and password form, and the sign-out button.

Defences, each with its test in tests/web/test_auth_pages.py: the form carries the CSRF token;
an unknown email and a wrong password get the same words (no account enumeration); failures are
counted in the database per email and per client address and refused with 429 and Retry-After
(`Accounts.sign_in`); every sign-in gets a new session id (no fixation) in an HttpOnly,
SameSite=Lax cookie, Secure with the `__Host-` prefix on https; signing out deletes the session
and asks the browser to clear this site's caches and storage (offline copies of pages).
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from twitchwise.accounts import AccountError, Accounts, TooManyAttempts

from .._auth import is_https, safe_next, session_cookie_name
from .._deps import get_accounts, get_signed_in
from .._security import CsrfSigner, csrf_cookie_header
from ._common import Form, redirect, render

router = APIRouter()

SESSION_COOKIE_MAX_AGE = 365 * 24 * 3600
"""The cookie may live as long as a sign-in can (a year); the server ends it sooner when it is
idle for `session_days` (`Accounts.session_person`)."""
CLEAR_SITE_DATA = '"cache", "storage"'
"""On sign-out: the service worker's offline copies of pages and the offline queue of taps
belong to the person who signed out, not to whoever uses this browser next."""


@router.get("/sign-in", response_class=HTMLResponse)
def sign_in_page(
    request: Request, next: str | None = None, accounts: Accounts = Depends(get_accounts)
) -> Response:
    if get_signed_in(request) is not None:
        return redirect(safe_next(next))
    return _form(request, safe_next(next))


@router.post("/sign-in", response_class=HTMLResponse)
async def sign_in(request: Request, accounts: Accounts = Depends(get_accounts)) -> Response:
    data = await request.form()
    form = Form.of(data)
    email, password = form.values.get("email", ""), raw_text(data, "password")
    target = safe_next(form.values.get("next"))
    client = request.client.host if request.client else ""
    try:
        person = await run_in_threadpool(accounts.sign_in, email, password, client=client)
    except TooManyAttempts as exc:
        refused = _form(request, target, email=email, error=exc.message, status=429)
        refused.headers["Retry-After"] = str(exc.retry_after_s)
        return refused
    except AccountError:
        message = "That email and password do not match an account. Check both and try again."
        return _form(request, target, email=email, error=message, status=400)
    old = request.cookies.get(session_cookie_name(request.scope))
    await run_in_threadpool(accounts.end_session, old)  # a fresh id each time: no fixation
    user_agent = request.headers.get("user-agent")
    token = await run_in_threadpool(accounts.start_session, person.id, user_agent=user_agent)
    response = redirect(target)
    set_session_cookie(request, response, token)
    new_csrf_cookie(request, response)
    return response


@router.post("/sign-out")
async def sign_out(request: Request, accounts: Accounts = Depends(get_accounts)) -> Response:
    await run_in_threadpool(
        accounts.end_session, request.cookies.get(session_cookie_name(request.scope))
    )
    response = redirect("/sign-in?signed_out=1")
    signed_out(request, response)
    return response


def raw_text(data: FormData, name: str) -> str:
    """A field as typed (not trimmed: a password may begin or end with a space)."""
    value = data.get(name)
    return value if isinstance(value, str) else ""


def set_session_cookie(request: Request, response: Response, token: str) -> None:
    response.set_cookie(
        session_cookie_name(request.scope),
        token,
        max_age=SESSION_COOKIE_MAX_AGE,
        path="/",
        httponly=True,
        samesite="lax",
        secure=is_https(request.scope),
    )


def signed_out(request: Request, response: Response) -> None:
    """Forget the session cookie and this site's offline copies in the browser."""
    response.delete_cookie(
        session_cookie_name(request.scope),
        path="/",
        httponly=True,
        samesite="lax",
        secure=is_https(request.scope),
    )
    response.headers["Clear-Site-Data"] = CLEAR_SITE_DATA


def new_csrf_cookie(request: Request, response: Response) -> None:
    """A new CSRF cookie with the new sign-in (OWASP: renew the token when privileges change)."""
    value = CsrfSigner.new_cookie_value()
    response.headers.append("Set-Cookie", csrf_cookie_header(request.scope, value))


def _form(
    request: Request,
    target: str,
    *,
    email: str = "",
    error: str | None = None,
    status: int = 200,
) -> HTMLResponse:
    return render(
        request,
        "sign_in.html",
        "sign-in",
        status,
        next=target,
        email=email[:254],
        error=error,
        signed_out_now=request.query_params.get("signed_out") == "1",
        passkeys_possible=_passkeys_possible(request),
    )


def _passkeys_possible(request: Request) -> bool:
    from .passkeys import passkeys_possible

    return passkeys_possible(request)

"""The Account page (accounts on): who is signed in, a new password, signing out everywhere,
personal access tokens for scripts, the backup of one's own diary, and deleting the account.

Every form carries the CSRF token (the pages router checks it). The secret of a new token is
shown once, on the answer to the form that made it, and is never stored (only its hash).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Path, Request, Response
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool

from twitchwise.accounts import AccountError, Accounts, Passkeys, SignedIn, TooManyAttempts

from .._deps import get_accounts, require_signed_in
from ._common import (
    Form,
    _sentence,  # the field messages of every page
    redirect,
    removed_or_404,
    render,
)
from .passkeys import passkeys_possible
from .passkeys import router as passkeys_router
from .signin import raw_text, signed_out

router = APIRouter()
router.include_router(passkeys_router)  # adding one on this page, signing in with one

TokenId = Path(ge=1, le=2_147_483_647)
SessionHandle = Path(min_length=16, max_length=16, pattern="^[0-9a-f]{16}$")

MESSAGES = {
    "password": "Your password is changed. Every other browser signed in as you is signed out.",
    "revoked": "The token is revoked: scripts using it are refused from now on.",
    "browser": "That browser is signed out.",
    "passkey": "Your passkey is added: you can sign in with it instead of your password.",
    "passkey-removed": "The passkey is removed: it no longer signs you in.",
}


@router.get("/account", response_class=HTMLResponse)
def account_page(
    request: Request,
    done: str | None = None,
    accounts: Accounts = Depends(get_accounts),
    who: SignedIn = Depends(require_signed_in),
) -> HTMLResponse:
    return _page(request, accounts, who, notice=MESSAGES.get(done or ""))


@router.post("/account/password", response_class=HTMLResponse)
async def change_password(
    request: Request,
    accounts: Accounts = Depends(get_accounts),
    who: SignedIn = Depends(require_signed_in),
) -> Response:
    data = await request.form()
    current, new = raw_text(data, "current_password"), raw_text(data, "new_password")
    errors: dict[str, str] = {}
    if new != raw_text(data, "new_password_again"):
        errors["new_password_again"] = "The two new passwords are not the same."
    else:
        try:
            await run_in_threadpool(
                accounts.change_password,
                who.person.id,
                current,
                new,
                keep_session=who.session_hash,
            )
        except TooManyAttempts as exc:
            errors["current_password"] = _sentence(exc.message)
        except AccountError as exc:
            field = "new_password" if exc.field == "password" else exc.field
            errors[field] = _sentence(exc.message)
    if errors:
        return _page(request, accounts, who, password_errors=errors, status=422)
    return redirect("/account?done=password")


@router.post("/account/sign-out-everywhere")
async def sign_out_everywhere(
    request: Request,
    accounts: Accounts = Depends(get_accounts),
    who: SignedIn = Depends(require_signed_in),
) -> Response:
    await run_in_threadpool(accounts.end_all_sessions, who.person.id)
    response = redirect("/sign-in?signed_out=1")
    signed_out(request, response)
    return response


@router.post("/account/sessions/{handle}/sign-out")
async def sign_out_browser(
    handle: str = SessionHandle,
    accounts: Accounts = Depends(get_accounts),
    who: SignedIn = Depends(require_signed_in),
) -> Response:
    return await removed_or_404(
        lambda: accounts.end_session_of(who.person.id, handle),
        "There is no such sign-in.",
        "browser",
    )


@router.post("/account/tokens", response_class=HTMLResponse)
async def create_token(
    request: Request,
    accounts: Accounts = Depends(get_accounts),
    who: SignedIn = Depends(require_signed_in),
) -> Response:
    form = Form.of(await request.form())
    name = form.values.get("name", "")
    try:
        token, secret = await run_in_threadpool(accounts.new_token, who.person.id, name)
    except AccountError as exc:
        errors = {"name": _sentence(exc.message)}
        return _page(request, accounts, who, token_errors=errors, token_name=name, status=422)
    # Shown in this answer only; `Cache-Control: no-store` keeps it out of every cache.
    return _page(request, accounts, who, new_token=token, new_secret=secret, status=201)


@router.post("/account/tokens/{token_id}/revoke")
async def revoke_token(
    request: Request,
    token_id: int = TokenId,
    accounts: Accounts = Depends(get_accounts),
    who: SignedIn = Depends(require_signed_in),
) -> Response:
    return await removed_or_404(
        lambda: accounts.revoke_token(who.person.id, token_id), "There is no such token.", "revoked"
    )


@router.post("/account/delete", response_class=HTMLResponse)
async def delete_account(
    request: Request,
    accounts: Accounts = Depends(get_accounts),
    who: SignedIn = Depends(require_signed_in),
) -> Response:
    data = await request.form()
    typed = Form.of(data).values.get("confirm_email", "")
    errors: dict[str, str] = {}
    if typed.strip().lower() != (who.person.email or "").lower():
        errors["confirm_email"] = "Type your email address exactly as shown to confirm."
    else:
        client = request.client.host if request.client else ""
        try:  # through sign_in, so guessing the password here is rate limited too
            person = await run_in_threadpool(
                accounts.sign_in, typed, raw_text(data, "delete_password"), client=client
            )
        except TooManyAttempts as exc:
            errors["delete_password"] = _sentence(exc.message)
        except AccountError:
            errors["delete_password"] = "That is not your password."
        else:
            if person.id != who.person.id:  # cannot happen: the email is the signed-in one's
                errors["confirm_email"] = "Type your own email address."
    if errors:
        return _page(request, accounts, who, delete_errors=errors, status=422)
    await run_in_threadpool(accounts.remove_person, who.person.id)
    response = redirect("/sign-in?deleted=1")
    signed_out(request, response)
    return response


def _page(
    request: Request,
    accounts: Accounts,
    who: SignedIn,
    *,
    status: int = 200,
    **context: Any,
) -> HTMLResponse:
    context.setdefault("notice", None)
    for name in ("password_errors", "token_errors", "delete_errors"):
        context.setdefault(name, {})
    context.setdefault("token_name", "")
    context.setdefault("new_token", None)
    context.setdefault("new_secret", None)
    return render(
        request,
        "account.html",
        "account",
        status,
        person=who.person,
        tokens=accounts.tokens(who.person.id),
        passkeys=Passkeys(accounts).list(who.person.id),
        browsers=accounts.sessions(who.person.id),
        this_browser=(who.session_hash or "")[:16],
        passkeys_possible=passkeys_possible(request),
        **context,
    )

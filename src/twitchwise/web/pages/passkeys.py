"""Passkeys in the web app (accounts on): add one on the Account page, sign in with one.

Each ceremony is two JSON posts from app.js: the options (with a fresh challenge), then the
browser's answer. The challenge waits in between in a cookie that is HttpOnly, SameSite=Strict,
five minutes long and signed with the app's secret (so any server process can check it), bound to
its purpose and, when registering, to the person; it is cleared once used. The posts carry the
page's CSRF token in `X-CSRF-Token` like every form. The relying party is the host name the
browser used (passkeys need a name: `localhost` or `diary.example`, not an IP address).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import json
import time
from typing import Any, cast

from fastapi import APIRouter, Depends, Path, Request, Response
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from twitchwise.accounts import AccountError, Accounts, Passkeys, SignedIn

from .._auth import is_https, safe_next
from .._deps import get_accounts, require_signed_in
from ._common import _sentence, removed_or_404
from .signin import new_csrf_cookie, set_session_cookie

router = APIRouter()

CHALLENGE_COOKIE = "twitchwise_webauthn"
CHALLENGE_SECONDS = 300
PasskeyId = Path(ge=1, le=2_147_483_647)


def passkeys_possible(request: Request) -> bool:
    """WebAuthn refuses an IP address as the site: passkeys need a host name."""
    host = request.url.hostname or ""
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return bool(host)
    return False


@router.post("/account/passkeys/options")
async def registration_options(
    request: Request,
    accounts: Accounts = Depends(get_accounts),
    who: SignedIn = Depends(require_signed_in),
) -> Response:
    if not passkeys_possible(request):
        return _problem(409, NO_NAME)
    options, challenge = await run_in_threadpool(
        Passkeys(accounts).registration_options, who.person, rp_id=_rp_id(request)
    )
    return _with_challenge(request, options, challenge, f"register:{who.person.id}")


@router.post("/account/passkeys")
async def register(
    request: Request,
    accounts: Accounts = Depends(get_accounts),
    who: SignedIn = Depends(require_signed_in),
) -> Response:
    body = await _json(request)
    challenge = _challenge(request, f"register:{who.person.id}")
    if body is None or challenge is None or not isinstance(body.get("credential"), dict):
        return _problem(400, "Start again: the passkey request expired or was incomplete.")
    try:
        passkey = await run_in_threadpool(
            Passkeys(accounts).register,
            who.person.id,
            str(body.get("name") or ""),
            body["credential"],
            challenge=challenge,
            rp_id=_rp_id(request),
            origin=_origin(request),
        )
    except AccountError as exc:
        status = 422 if exc.field == "name" else 400
        return _used_up(request, _problem(status, _sentence(exc.message), exc.field))
    response = JSONResponse({"id": passkey.id, "name": passkey.name}, status_code=201)
    return _used_up(request, response)


@router.post("/account/passkeys/{passkey_id}/remove")
async def remove(
    passkey_id: int = PasskeyId,
    accounts: Accounts = Depends(get_accounts),
    who: SignedIn = Depends(require_signed_in),
) -> Response:
    return await removed_or_404(
        lambda: Passkeys(accounts).remove(who.person.id, passkey_id),
        "There is no such passkey.",
        "passkey-removed",
    )


@router.post("/sign-in/passkey/options")
async def authentication_options(
    request: Request, accounts: Accounts = Depends(get_accounts)
) -> Response:
    if not passkeys_possible(request):
        return _problem(409, NO_NAME)
    options, challenge = Passkeys(accounts).authentication_options(rp_id=_rp_id(request))
    return _with_challenge(request, options, challenge, "sign-in")


@router.post("/sign-in/passkey")
async def sign_in_with_passkey(
    request: Request, accounts: Accounts = Depends(get_accounts)
) -> Response:
    body = await _json(request)
    challenge = _challenge(request, "sign-in")
    if body is None or challenge is None or not isinstance(body.get("credential"), dict):
        return _problem(400, "Start again: the passkey request expired or was incomplete.")
    try:
        person = await run_in_threadpool(
            Passkeys(accounts).sign_in,
            body["credential"],
            challenge=challenge,
            rp_id=_rp_id(request),
            origin=_origin(request),
        )
    except AccountError as exc:
        return _used_up(request, _problem(400, _sentence(exc.message), exc.field))
    user_agent = request.headers.get("user-agent")
    token = await run_in_threadpool(accounts.start_session, person.id, user_agent=user_agent)
    response = JSONResponse({"next": safe_next(str(body.get("next") or ""))})
    set_session_cookie(request, response, token)
    new_csrf_cookie(request, response)
    return _used_up(request, response)


NO_NAME = (
    "Passkeys need the app to be opened by a name (like localhost or diary.example), "
    "not by an IP address."
)


def _rp_id(request: Request) -> str:
    return (request.url.hostname or "").lower()


def _origin(request: Request) -> str:
    return f"{request.url.scheme}://{request.url.netloc}"


def _key(request: Request) -> bytes:
    secret = cast(bytes, request.app.state.secret)
    return hashlib.sha256(b"twitchwise-webauthn\x00" + secret).digest()


def _sign(request: Request, payload: str) -> str:
    return hmac.new(_key(request), payload.encode(), hashlib.sha256).hexdigest()


def _with_challenge(request: Request, options: str, challenge: bytes, purpose: str) -> Response:
    expires = int(time.time()) + CHALLENGE_SECONDS
    encoded = base64.urlsafe_b64encode(challenge).decode().rstrip("=")
    payload = f"{purpose}|{expires}|{encoded}"
    response = Response(options, media_type="application/json")
    response.set_cookie(
        CHALLENGE_COOKIE,
        f"{payload}|{_sign(request, payload)}",
        max_age=CHALLENGE_SECONDS,
        path="/",
        httponly=True,
        samesite="strict",
        secure=is_https(request.scope),
    )
    return response


def _challenge(request: Request, purpose: str) -> bytes | None:
    """The challenge this browser was given for `purpose`, if signed by us and not expired."""
    value = request.cookies.get(CHALLENGE_COOKIE, "")
    payload, _, signature = value.rpartition("|")
    if not payload or not hmac.compare_digest(_sign(request, payload), signature):
        return None
    kind, expires, encoded = [*payload.split("|"), "", "", ""][:3]
    if kind != purpose or not expires.isdigit() or int(expires) < time.time():
        return None
    return base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))


def _used_up(request: Request, response: Response) -> Response:
    """A challenge serves one answer, right or wrong: the next try starts with a new one."""
    response.delete_cookie(
        CHALLENGE_COOKIE, path="/", httponly=True, samesite="strict", secure=is_https(request.scope)
    )
    return response


async def _json(request: Request) -> dict[str, Any] | None:
    try:
        body = json.loads(await request.body())
    except (ValueError, UnicodeDecodeError, RuntimeError):  # RuntimeError: a form already read
        return None
    return body if isinstance(body, dict) else None


def _problem(status: int, detail: str, field: str = "passkey") -> JSONResponse:
    return JSONResponse(
        {"title": "Passkey", "status": status, "detail": detail, "field": field},
        status_code=status,
        media_type="application/problem+json",
    )

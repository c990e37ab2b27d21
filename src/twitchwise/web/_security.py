"""Security for a local health app: strict headers on every response, CSRF on every form.

CSRF uses a signed double submit: the browser holds a random value in an HttpOnly, SameSite=Strict
cookie, and each form carries an HMAC of that value made with a per-install secret. A page on
another site can neither read the cookie nor compute the HMAC, so it cannot forge a form post.
The JSON API needs no token: it refuses writes whose Content-Type is not JSON (`_limits.py`), and
browsers only send cross-site JSON, PUT, PATCH or DELETE after a CORS preflight, which this app
never grants.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

from platformdirs import user_data_path
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSRF_COOKIE = "twitchwise_csrf"
CSRF_FIELD = "csrf_token"

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
    ]
)

SECURITY_HEADERS: dict[str, str] = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": (
        "camera=(), microphone=(), geolocation=(), payment=(), usb=(), "
        "interest-cohort=(), browsing-topics=()"
    ),
}


def load_secret(folder: Path | None = None) -> bytes:
    """The per-install secret, created on first use in the user data folder (mode 0600).

    A stable secret keeps forms that are open in a tab valid across restarts of the app.
    """
    folder = folder or user_data_path("twitchwise", appauthor=False, ensure_exists=True)
    path = folder / "web-secret.key"
    try:
        return bytes.fromhex(path.read_text(encoding="ascii").strip())
    except (FileNotFoundError, ValueError):
        pass
    folder.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_bytes(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(secret.hex())
    return secret


class CsrfSigner:
    """Makes and checks the form token that goes with a browser's CSRF cookie value."""

    def __init__(self, secret: bytes) -> None:
        self._key = hashlib.sha256(b"twitchwise-csrf\x00" + secret).digest()

    @staticmethod
    def new_cookie_value() -> str:
        return secrets.token_urlsafe(24)

    def token_for(self, cookie_value: str) -> str:
        return hmac.new(self._key, cookie_value.encode(), hashlib.sha256).hexdigest()

    def is_valid(self, cookie_value: str | None, token: str | None) -> bool:
        if not cookie_value or not token:
            return False
        return hmac.compare_digest(self.token_for(cookie_value), token)


class SecurityHeadersMiddleware:
    """Adds the security headers to every HTTP response that does not already set them."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers.setdefault(name, value)
                if not scope["path"].startswith("/static/"):
                    # Pages and API answers hold health data: keep them out of every cache.
                    headers.setdefault("Cache-Control", "no-store")
            await send(message)

        await self.app(scope, receive, send_with_headers)


class CsrfCookieMiddleware:
    """Gives each browser its CSRF cookie and puts the matching form token on request.state."""

    def __init__(self, app: ASGIApp, signer: CsrfSigner) -> None:
        self.app, self.signer = app, signer

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        cookie = read_cookie(scope, CSRF_COOKIE)
        fresh = None
        if not cookie or len(cookie) > 100:
            cookie = fresh = self.signer.new_cookie_value()
        scope.setdefault("state", {})
        scope["state"]["csrf_cookie"] = None if fresh else cookie
        scope["state"]["csrf_token"] = self.signer.token_for(cookie)

        async def send_with_cookie(message: Message) -> None:
            if fresh and message["type"] == "http.response.start":
                MutableHeaders(scope=message).append("Set-Cookie", csrf_cookie_header(scope, fresh))
            await send(message)

        await self.app(scope, receive, send_with_cookie)


def csrf_cookie_header(scope: Scope, value: str) -> str:
    """The Set-Cookie value of a CSRF cookie; Secure when the browser talks https to us."""
    secure = "; Secure" if scope.get("scheme") == "https" else ""
    return f"{CSRF_COOKIE}={value}; Path=/; HttpOnly; SameSite=Strict{secure}"


def read_cookie(scope: Scope, name: str) -> str | None:
    for key, value in scope.get("headers", []):
        if key == b"cookie":
            for part in value.decode("latin-1").split(";"):
                k, _, v = part.strip().partition("=")
                if k == name:
                    return str(v)
    return None

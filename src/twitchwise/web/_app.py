"""The app factory: one Diary per app, pages, the JSON API, security, vendored assets."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy import event
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.trustedhost import TrustedHostMiddleware

from twitchwise.diary import Diary
from twitchwise.settings import Settings
from twitchwise.uploads import remove_uploads

from ._auth import AuthMiddleware, add_sign_in
from ._imports import ImportRunner
from ._limits import BodyLimitMiddleware
from ._problems import install_problem_handlers, move_problem_schemas
from ._push import SubscriptionStore, vapid_for
from ._security import CsrfCookieMiddleware, CsrfSigner, SecurityHeadersMiddleware, load_secret
from ._templates import STATIC_DIR, make_templates

if TYPE_CHECKING:
    from twitchwise.accounts import Accounts

LOOPBACK_HOSTS = ["127.0.0.1", "localhost", "::1", "[::1]", "testserver"]
WILDCARD_HOSTS = frozenset({"0.0.0.0", "::", "[::]", ""})

API_DESCRIPTION = """\
The twitchwise JSON API: assess a case (the case format of `docs/reference/case-format.md`),
keep a twitch diary (episodes and daily check-ins), export it as CSV, and read insights.

Errors are `application/problem+json` (RFC 9457) with an `errors` list naming each bad field.
twitchwise gives guidance, not a diagnosis.
"""


def create_app(
    settings: Settings | None = None, *, secret_dir: Path | None = None, push_sender: bool = False
) -> FastAPI:
    """Build the web app over the diary at `settings.db`.

    `secret_dir` holds the per-install CSRF secret, the Web Push key and the push subscriptions
    (default: the user data folder). `push_sender` runs the reminder sender while the app is up
    (`twitchwise serve` on SQLite; on PostgreSQL `twitchwise worker` sends them); tests and
    embedders leave it off.
    """
    settings = settings or Settings()
    diary = Diary.open(settings.db)
    _wait_briefly(diary, settings.db_wait_s)

    remove_uploads()  # left by an app that crashed or was killed

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # On a server (PostgreSQL) `twitchwise worker` sends the reminders: one sender, however
        # many server processes run.
        queued = app.state.import_runner.queued
        sender = _start_push_sender(app) if push_sender and not queued else None
        yield
        if sender is not None:
            sender.cancel()
        await app.state.import_runner.close()
        remove_uploads(own=True)
        diary.close()

    app = FastAPI(
        title="twitchwise",
        version=_version(),
        description=API_DESCRIPTION,
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.diary = diary
    app.state.templates = make_templates()
    app.state.secret = load_secret(secret_dir)
    app.state.csrf = CsrfSigner(app.state.secret)
    app.state.push_store = SubscriptionStore(secret_dir)
    app.state.push_dir = secret_dir
    app.state.import_runner = ImportRunner(diary)
    app.state.accounts = _accounts(diary, settings)

    app.add_middleware(CsrfCookieMiddleware, signer=app.state.csrf)
    app.add_middleware(BodyLimitMiddleware, upload_limit=settings.max_upload_mb * 1024 * 1024)
    if app.state.accounts is not None:  # before any body is read, after the Host check
        app.add_middleware(AuthMiddleware, accounts=app.state.accounts)
    # In every mode, refuse Host names not on the list, so a DNS-rebinding page (whose Host is
    # its own name) cannot read the diary, even when the app listens on 0.0.0.0.
    app.add_middleware(TrustedHostMiddleware, allowed_hosts=allowed_hosts(settings))
    app.add_middleware(SecurityHeadersMiddleware)

    install_problem_handlers(app, _page_error)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    from .api import router as api_router
    from .pages import router as pages_router

    app.include_router(api_router)
    app.include_router(pages_router)
    _install_openapi(app)
    return app


def _accounts(diary: Diary, settings: Settings) -> Accounts | None:
    """The accounts when sign-in is on (sharing the diary's database connections), else None."""
    if not settings.accounts:
        return None
    from datetime import timedelta

    from twitchwise.accounts import Accounts

    return Accounts(diary.engine, session_idle=timedelta(days=settings.session_days))


def _start_push_sender(app: FastAPI) -> asyncio.Task[None]:
    """The Web Push reminder sender, as a task in the server's event loop."""
    from ._push import run_sender

    task = app.state.push_task = asyncio.create_task(
        run_sender(app.state.push_store, vapid_for(app), app.state.settings.push_contact)
    )
    return task


def _wait_briefly(diary: Diary, seconds: float) -> None:
    """A page should not hang for the CLI's 30 s while another program (a long import) holds
    SQLite's write lock: after `seconds` it gets a 503 with Retry-After instead."""
    engine = diary.engine
    if engine.dialect.name != "sqlite" or engine.url.database in (None, "", ":memory:"):
        return

    @event.listens_for(engine, "connect")
    def _short_busy_timeout(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.execute(f"PRAGMA busy_timeout={round(seconds * 1000)}")

    engine.dispose()  # connections opened while migrating still have the long wait


def allowed_hosts(settings: Settings) -> list[str]:
    """Loopback names, the address the app listens on (unless a wildcard), and `--allowed-host`.

    A literal address is safe to allow: a rebinding page sends its own domain name as Host.
    """
    hosts = [*LOOPBACK_HOSTS, *(h.strip().lower() for h in settings.allowed_hosts if h.strip())]
    if settings.host not in WILDCARD_HOSTS:
        hosts += [settings.host, f"[{settings.host}]"] if ":" in settings.host else [settings.host]
    return list(dict.fromkeys(hosts))


def _install_openapi(app: FastAPI) -> None:
    default_openapi = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = move_problem_schemas(default_openapi())
            if app.state.settings.accounts:
                schema = add_sign_in(schema)
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


async def _page_error(request: Request, exc: StarletteHTTPException) -> HTMLResponse:
    templates = request.app.state.templates
    response: HTMLResponse = templates.TemplateResponse(
        request,
        "error.html",
        {"status": exc.status_code, "detail": exc.detail, "page": None},
        status_code=exc.status_code,
    )
    if exc.headers:
        response.headers.update(exc.headers)
    return response


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("twitchwise")
    except PackageNotFoundError:
        return "0"

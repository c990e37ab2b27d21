"""End-to-end fixtures: the real app under uvicorn on loopback, driven by real Chromium.

The server runs in a subprocess exactly as `twitchwise serve` would run it (uvicorn, one worker)
against a throwaway SQLite diary, so these tests see the same HTTP, headers, CSP and static files
a user's browser sees. Chromium is the Debian package (scripts/system-deps.sh installs it); a
missing browser fails the suite loudly rather than skipping it, because a skipped browser suite
looks green while testing nothing.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    Playwright,
    Request,
    Response,
    expect,
    sync_playwright,
)

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("TWITCHWISE_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-quic",
    "--no-first-run",
    "--disable-sync",
]
AXE_JS = REPO / "web-assets" / "node_modules" / "axe-core" / "axe.min.js"
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1"}
# A failing browser step should fail the test in seconds, not hang CI for the pytest timeout.
STEP_TIMEOUT_MS = 10_000
expect.set_options(timeout=STEP_TIMEOUT_MS)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test under tests/e2e drives real Chromium; mark them so `-m "not e2e"` works."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.e2e)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class LiveServer:
    """The running app: its base URL, its diary file and its log (shown when something fails)."""

    url: str
    db_path: Path
    log_path: Path
    process: subprocess.Popen[bytes]

    def log_tail(self, lines: int = 60) -> str:
        text = self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
        return "\n".join(text.splitlines()[-lines:])

    def get_json(self, path: str) -> object:
        """GET a JSON API path straight from the server (no browser), to check what was stored."""
        with urllib.request.urlopen(self.url + path, timeout=10) as resp:
            return json.loads(resp.read())


def start_server(
    folder: Path, *, db_url: str | None = None, env: dict[str, str] | None = None
) -> LiveServer:
    """Start `uvicorn --factory twitchwise.web:create_app` on a free loopback port and wait."""
    port = _free_port()
    db_path = folder / "diary.db"
    log_path = folder / "server.log"
    env = {
        **os.environ,
        "TWITCHWISE_DB": db_url or f"sqlite:///{db_path}",
        "TWITCHWISE_HOST": "127.0.0.1",
        "TWITCHWISE_PORT": str(port),
        # The CSRF secret lives in the user data folder: keep it inside this test's folder.
        "XDG_DATA_HOME": str(folder / "data"),
        **(env or {}),
    }
    cmd = [
        sys.executable,
        "-m",
        "uvicorn",
        "--factory",
        "twitchwise.web:create_app",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        "1",
    ]
    with log_path.open("wb") as log:
        process = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=folder)
    server = LiveServer(f"http://127.0.0.1:{port}", db_path, log_path, process)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the web app exited during start-up:\n{server.log_tail()}")
        try:
            with urllib.request.urlopen(server.url + "/api/v1/health", timeout=2):
                return server
        except urllib.error.HTTPError:
            return server  # it answered: the server is up even if health is not 200
        except OSError:
            time.sleep(0.1)
    stop_server(server)
    pytest.fail(f"the web app did not answer within 30 s:\n{server.log_tail()}")


def stop_server(server: LiveServer) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait(timeout=10)


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    server = start_server(tmp_path_factory.mktemp("live-server"))
    yield server
    stop_server(server)


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    if not CHROMIUM.is_file():
        pytest.fail(
            f"Chromium not found at {CHROMIUM}. The browser tests need the Debian packages "
            "`chromium` and `chromium-driver`: run `make system-deps` (scripts/system-deps.sh) "
            "or `apt-get install chromium chromium-driver`. Never `playwright install`."
        )
    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@dataclass
class PageProblems:
    """What went wrong in the browser while a test ran, beyond what the test asserts itself.

    Console errors include CSP refusals ("Refused to load/execute ... Content Security
    Policy"), uncaught script errors, failed sub-resources (scripts, styles, images, fonts)
    and any request that leaves the loopback interface: the app promises no third-party
    requests.
    """

    base_url: str
    items: list[str] = field(default_factory=list)

    def on_console(self, msg: ConsoleMessage) -> None:
        # A document answered with 4xx (a form re-shown with errors) logs "Failed to load
        # resource"; sub-resource failures are caught precisely by on_response instead.
        if msg.type == "error" and not msg.text.startswith("Failed to load resource"):
            self.items.append(f"console error: {msg.text}")

    def on_page_error(self, error: Exception) -> None:
        self.items.append(f"uncaught script error: {error}")

    def on_request(self, request: Request) -> None:
        parts = urlsplit(request.url)
        if parts.scheme in {"http", "https", "ws", "wss"} and parts.hostname not in {
            h.strip("[]") for h in LOOPBACK_HOSTS
        }:
            self.items.append(f"request left the machine: {request.url}")

    def on_request_failed(self, request: Request) -> None:
        # Navigations a test interrupts (clicking on) report net::ERR_ABORTED: not a fault.
        if request.failure != "net::ERR_ABORTED":
            self.items.append(f"request failed: {request.url} ({request.failure})")

    def on_response(self, response: Response) -> None:
        if response.request.resource_type != "document" and response.status >= 400:
            self.items.append(
                f"{response.status} for {response.request.resource_type} {response.url}"
            )

    def watch(self, page: Page) -> Page:
        page.set_default_timeout(STEP_TIMEOUT_MS)
        page.on("console", self.on_console)
        page.on("pageerror", self.on_page_error)
        page.on("request", self.on_request)
        page.on("requestfailed", self.on_request_failed)
        page.on("response", self.on_response)
        return page

    def assert_none(self) -> None:
        assert not self.items, "the browser reported problems:\n" + "\n".join(self.items)


def _watched_context(
    browser: Browser, server: LiveServer, **options: object
) -> tuple[BrowserContext, PageProblems]:
    context = browser.new_context(base_url=server.url, locale="en-GB", **options)  # type: ignore[arg-type]
    return context, PageProblems(server.url)


@pytest.fixture
def page(browser: Browser, live_server: LiveServer) -> Iterator[Page]:
    """A fresh browser page (own cookies) with JavaScript; fails the test on console/CSP errors."""
    context, problems = _watched_context(browser, live_server)
    page = problems.watch(context.new_page())
    yield page
    context.close()
    problems.assert_none()


@pytest.fixture
def nojs_page(browser: Browser, live_server: LiveServer) -> Iterator[Page]:
    """A page with JavaScript switched off: the core flows must still work (plain forms)."""
    context, problems = _watched_context(browser, live_server, java_script_enabled=False)
    page = problems.watch(context.new_page())
    yield page
    context.close()
    problems.assert_none()


@pytest.fixture
def axe_page(browser: Browser, live_server: LiveServer) -> Iterator[Page]:
    """A page whose context bypasses CSP, only so axe-core can be injected for a scan."""
    if not AXE_JS.is_file():
        pytest.fail(
            f"axe-core not found at {AXE_JS}: run `npm ci --prefix web-assets` (or `make assets`)"
        )
    context = browser.new_context(base_url=live_server.url, locale="en-GB", bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(STEP_TIMEOUT_MS)
    yield page
    context.close()


SEVERE = ("serious", "critical")


def axe_violations(page: Page) -> list[dict[str, object]]:
    """Run axe-core on the page as it is now; return serious and critical violations."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate("async () => (await axe.run(document)).violations")
    return [v for v in result if v.get("impact") in SEVERE]


def format_violations(url: str, violations: list[dict[str, object]]) -> str:
    lines = [f"{url}: {len(violations)} serious/critical accessibility violation(s)"]
    for v in violations:
        lines.append(f"  [{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})")
        nodes = v.get("nodes")
        for node in nodes[:5] if isinstance(nodes, list) else []:
            lines.append(f"      {node.get('target')}: {node.get('failureSummary', '')!s:.300}")
    return "\n".join(lines)


def assert_accessible(page: Page) -> None:
    """Fail with every serious/critical axe-core violation of the page's current state."""
    violations = axe_violations(page)
    if violations:
        print(format_violations(page.url, violations))
    assert not violations, format_violations(page.url, violations)


@pytest.fixture
def check_a11y() -> Callable[[Page], None]:
    """`check_a11y(page)` runs axe-core on the page (from `axe_page`) and fails on serious ones."""
    return assert_accessible

"""The API reference pages and the web package's public surface."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

import twitchwise.web


def test_the_package_exports_only_the_app_factory() -> None:
    assert twitchwise.web.__all__ == ["create_app"]


def test_docs_lists_every_api_operation_and_schema(client: TestClient) -> None:
    html = client.get("/docs").text
    schema = client.get("/openapi.json").json()
    for path, item in schema["paths"].items():
        for method in item:
            assert f"<code>{method.upper()} {path}</code>" in html
    for name in ("Assessment", "Case", "TwitchIn", "CheckInIn", "Problem"):
        assert f'id="schema-{name}"' in html
    assert "cdn" not in html.lower()


def test_interactive_docs_load_only_our_own_files(client: TestClient) -> None:
    html = client.get("/docs/interactive").text
    links = re.findall(r'(?:src|href)="([^"]*)"', html)
    assert links and all(link.startswith(("/", "#")) for link in links), links
    if "swagger-ui-bundle.js" in html:
        assert '<script src="/static/swagger-init.js" defer></script>' in html


def test_about_names_the_vendored_versions(client: TestClient) -> None:
    html = client.get("/about").text
    assert "Your diary is stored on this computer only" in html
    assert "htmx.org" in html or "make assets" in html

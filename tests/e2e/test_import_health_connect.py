"""Import Android's Health Connect export through the browser, with and without JavaScript."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from benchmark_scripts import benchmark_script
from playwright.sync_api import Page, expect


@pytest.fixture
def export(tmp_path: Path) -> Path:
    gen = benchmark_script("generate_health_connect")
    db = tmp_path / "health_connect_export.db"
    gen.write(gen.year(7), db, 18)
    out = tmp_path / "Health Connect.zip"
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.write(db, db.name)
    return out


@pytest.mark.parametrize("js", [True, False], ids=["javascript", "no-javascript"])
def test_a_health_connect_export_fills_the_diary(
    js: bool, page: Page, nojs_page: Page, export: Path
) -> None:
    browser_page = page if js else nojs_page
    browser_page.goto("/import")
    browser_page.get_by_label("Health Connect.zip").set_input_files(export)
    browser_page.get_by_role("button", name="Import").click()
    done = browser_page.get_by_role("heading", name=f"Imported {export.name}")
    expect(done).to_be_visible(timeout=30_000)
    summary = browser_page.get_by_role("status").filter(has=done)
    expect(summary).to_contain_text("Health Connect export")
    expect(summary).to_contain_text("7 days filled")
    expect(summary.get_by_role("table")).to_contain_text("Sleep")

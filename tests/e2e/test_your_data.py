"""Your data in the browser: download everything, then restore it over a changed diary, which
needs the tick; a foreign file changes nothing. On its own server: a restore replaces the diary."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from diary_sample import fill
from playwright.sync_api import Browser, expect

from twitchwise.diary import Diary

from .conftest import LiveServer, start_server, stop_server


@pytest.fixture(scope="module")
def own_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    folder = tmp_path_factory.mktemp("your-data-server")
    with Diary.open(f"sqlite:///{folder / 'diary.db'}") as diary:
        fill(diary)
    server = start_server(folder)
    yield server
    stop_server(server)


def test_download_everything_then_restore_it(
    browser: Browser, own_server: LiveServer, tmp_path: Path
) -> None:
    context = browser.new_context(base_url=own_server.url, locale="en-GB")
    page = context.new_page()
    page.goto("/data")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download everything (.zip)").click()
    backup = tmp_path / "backup.zip"
    download.value.save_as(backup)
    with zipfile.ZipFile(backup) as archive:
        assert json.loads(archive.read("manifest.json"))["counts"]["twitches"] == 3

    with Diary.open(f"sqlite:///{own_server.db_path}") as diary:
        diary.add_twitch("neck")
    page.goto("/data")
    page.get_by_label("Backup file (.zip, made by twitchwise)").set_input_files(backup)
    page.get_by_role("button", name="Restore").click()
    expect(page.get_by_role("alert")).to_contain_text("Your diary is not empty")

    page.get_by_label("Backup file (.zip, made by twitchwise)").set_input_files(backup)
    page.get_by_label("Replace everything in my diary with this backup").check()
    page.get_by_role("button", name="Restore").click()
    expect(page.get_by_role("status")).to_contain_text("Restored.")
    expect(page.get_by_role("status")).to_contain_text("3 twitches")

    bogus = tmp_path / "notes.zip"
    bogus.write_text("not a backup", encoding="utf-8")
    page.get_by_label("Backup file (.zip, made by twitchwise)").set_input_files(bogus)
    page.get_by_label("Replace everything in my diary with this backup").check()
    page.get_by_role("button", name="Restore").click()
    expect(page.get_by_role("alert")).to_contain_text("Nothing in your diary was changed")
    with Diary.open(f"sqlite:///{own_server.db_path}") as diary:
        assert len(diary.list_twitches()) == 3
    context.close()

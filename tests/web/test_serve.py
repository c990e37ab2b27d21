"""`twitchwise serve`: prints where the app is, listens on loopback unless told otherwise."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from twitchwise.cli import app


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> dict[str, Any]:
    calls: dict[str, Any] = {}

    def fake_run(web_app: Any, host: str, port: int, **options: Any) -> None:
        calls.update(app=web_app, host=host, port=port, options=options)
        web_app.state.diary.close()

    monkeypatch.setattr("uvicorn.run", fake_run)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("TWITCHWISE_DB", f"sqlite:///{tmp_path / 'diary.db'}")
    return calls


def test_serve_prints_the_address_and_stays_on_loopback(served: dict[str, Any]) -> None:
    result = CliRunner().invoke(app, ["serve", "--port", "8123"])
    assert result.exit_code == 0, result.output
    assert "http://127.0.0.1:8123/" in result.output
    assert (served["host"], served["port"]) == ("127.0.0.1", 8123)
    assert served["app"].state.settings.db.endswith("diary.db")


def test_serving_on_the_network_without_accounts_is_refused(served: dict[str, Any]) -> None:
    result = CliRunner().invoke(app, ["serve", "--host", "0.0.0.0"])
    assert result.exit_code == 2 and "needs sign-in; add --accounts" in result.output
    assert served == {}


def test_local_mode_believes_no_forwarded_headers_and_serves_plain_http(
    served: dict[str, Any],
) -> None:
    """uvicorn believes X-Forwarded-* from 127.0.0.1 by default; the app must not."""
    result = CliRunner().invoke(app, ["serve"])
    assert result.exit_code == 0, result.output
    options = served["options"]
    assert options["proxy_headers"] is False and options["forwarded_allow_ips"] is None
    assert options["ssl_certfile"] is None and options["ssl_keyfile"] is None


def test_a_bad_port_is_refused_naming_the_option(served: dict[str, Any]) -> None:
    result = CliRunner().invoke(app, ["serve", "--port", "70000"])
    assert result.exit_code == 2 and "--port" in result.output
    assert served == {}


def test_allowed_host_is_passed_to_the_app(served: dict[str, Any]) -> None:
    args = ["serve", "--allowed-host", "diary.lan", "--allowed-host", "10.0.0.2"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert served["app"].state.settings.allowed_hosts == ["diary.lan", "10.0.0.2"]


def test_a_plain_path_in_twitchwise_db_is_a_sqlite_file(
    served: dict[str, Any], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The README says TWITCHWISE_DB=/path/diary.db: a plain path, not a URL, must work."""
    monkeypatch.setenv("TWITCHWISE_DB", str(tmp_path / "plain.db"))
    result = CliRunner().invoke(app, ["serve"])
    assert result.exit_code == 0, result.output
    assert served["app"].state.settings.db == f"sqlite:///{tmp_path / 'plain.db'}"
    assert (tmp_path / "plain.db").is_file()


def test_help_has_no_type_tags() -> None:
    for command in (["--help"], ["serve", "--help"], ["diary", "--help"], ["log", "--help"]):
        result = CliRunner().invoke(app, command)
        assert result.exit_code == 0, result.output
        assert "<bool>" not in result.output and "<str>" not in result.output, result.output
        assert "<int" not in result.output and "<float" not in result.output, result.output


def test_a_diary_that_cannot_be_opened_is_one_line_not_a_traceback(
    served: dict[str, Any], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("TWITCHWISE_DB", str(tmp_path / "no-such-folder" / "diary.db"))
    result = CliRunner().invoke(app, ["serve"])
    assert result.exit_code == 2 and "does not exist" in result.output
    assert "Traceback" not in result.output and served == {}

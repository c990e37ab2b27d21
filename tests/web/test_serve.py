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
        calls.update(app=web_app, host=host, port=port)
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


def test_serving_on_the_network_warns(served: dict[str, Any]) -> None:
    result = CliRunner().invoke(app, ["serve", "--host", "0.0.0.0"])
    assert result.exit_code == 0
    assert served["host"] == "0.0.0.0" and "no login" in result.output


def test_a_bad_port_is_refused_naming_the_option(served: dict[str, Any]) -> None:
    result = CliRunner().invoke(app, ["serve", "--port", "70000"])
    assert result.exit_code == 2 and "--port" in result.output
    assert served == {}


def test_allowed_host_is_passed_to_the_app(served: dict[str, Any]) -> None:
    args = ["serve", "--host", "0.0.0.0", "--allowed-host", "diary.lan"]
    args += ["--allowed-host", "10.0.0.2"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert served["app"].state.settings.allowed_hosts == ["diary.lan", "10.0.0.2"]
    assert "--allowed-host" in result.output  # the warning says how other names get in

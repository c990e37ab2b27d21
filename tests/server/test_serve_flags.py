"""What `twitchwise serve` hands uvicorn once every check has passed (uvicorn itself faked)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from twitchwise.cli import app
from twitchwise.cli.serve import is_loopback

from .conftest import Certificate, self_signed

pytestmark = pytest.mark.postgres


@pytest.fixture
def served(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, app_postgres_url: str
) -> dict[str, Any]:
    calls: dict[str, Any] = {}

    def fake_run(web_app: Any, host: str, port: int, **options: Any) -> None:
        calls.update(app=web_app, host=host, port=port, options=options)
        web_app.state.diary.close()

    monkeypatch.setattr("uvicorn.run", fake_run)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("TWITCHWISE_DB", app_postgres_url)
    return calls


def test_tls_on_the_network_with_accounts(served: dict[str, Any], certificate: Certificate) -> None:
    args = ["serve", "--accounts", "--host", "0.0.0.0", "--port", "8443"]
    args += ["--tls-cert", str(certificate.cert), "--tls-key", str(certificate.key)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "https://0.0.0.0:8443/" in result.output and "WARNING" not in result.output
    options = served["options"]
    assert options["ssl_certfile"] == str(certificate.cert)
    assert options["ssl_keyfile"] == str(certificate.key)
    assert options["proxy_headers"] is False
    assert served["app"].state.settings.accounts is True


def test_the_names_in_the_certificate_are_answered(served: dict[str, Any], tmp_path: Path) -> None:
    """`--host 0.0.0.0` answers only loopback names, but a phone comes by the certificate's."""
    named = self_signed(tmp_path, "named", "diary.home.arpa", "*.family.example")
    args = ["serve", "--accounts", "--host", "0.0.0.0", "--allowed-host", "other.lan"]
    args += ["--tls-cert", str(named.cert), "--tls-key", str(named.key)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    allowed = served["app"].state.settings.allowed_hosts
    assert allowed == ["other.lan", "localhost", "diary.home.arpa", "*.family.example", "127.0.0.1"]


def test_a_key_in_place_of_the_certificate_is_one_line(
    served: dict[str, Any], certificate: Certificate
) -> None:
    args = ["serve", "--accounts", "--tls-cert", str(certificate.key)]
    result = CliRunner().invoke(app, [*args, "--tls-key", str(certificate.key)])
    assert result.exit_code == 2 and "--tls-cert/--tls-key:" in result.output
    assert served == {}


def test_behind_a_proxy_only_its_headers_are_believed(served: dict[str, Any]) -> None:
    args = ["serve", "--accounts", "--forwarded-allow-ips", "127.0.0.1"]
    args += ["--forwarded-allow-ips", "::1"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    options = served["options"]
    assert options["proxy_headers"] is True
    assert options["forwarded_allow_ips"] == ["127.0.0.1", "::1"]


@pytest.mark.parametrize(
    ("proxy", "message"),
    [
        ("*", "--forwarded-allow-ips: '*' would believe every client"),
        ("caddy.lan", "--forwarded-allow-ips: 'caddy.lan' is not an IP address or network"),
    ],
)
def test_a_proxy_must_be_named_by_address(served: dict[str, Any], proxy: str, message: str) -> None:
    result = CliRunner().invoke(app, ["serve", "--accounts", "--forwarded-allow-ips", proxy])
    assert result.exit_code == 2 and message in " ".join(result.output.split())
    assert served == {}


def test_insecure_http_is_allowed_only_by_name_and_loudly(served: dict[str, Any]) -> None:
    args = ["serve", "--accounts", "--host", "0.0.0.0", "--insecure-http"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    said = " ".join(result.output.split())
    assert "WARNING: plain HTTP on the network" in said and "http://0.0.0.0:8000/" in said


@pytest.mark.parametrize(
    ("host", "local"),
    [("127.0.0.1", True), ("127.0.0.2", True), ("::1", True), ("localhost", True),
     ("0.0.0.0", False), ("::", False), ("192.168.1.5", False), ("diary.lan", False)],
)  # fmt: skip
def test_what_counts_as_this_computer(host: str, local: bool) -> None:
    assert is_loopback(host) is local

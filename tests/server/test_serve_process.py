"""`twitchwise serve` as a real process: HTTPS with accounts on PostgreSQL, every refusal before
anything listens, and proxy headers believed only from the named proxy."""

from __future__ import annotations

import subprocess
from pathlib import Path

import httpx
import pytest
from sqlalchemy import inspect

from twitchwise.diary._store import make_engine

from .conftest import (
    TWITCHWISE,
    Certificate,
    Served,
    environment,
    free_port,
    listening,
    self_signed,
    serve,
    trusting,
)

pytestmark = pytest.mark.postgres


def test_https_with_accounts_on_an_ordinary_postgresql_role(
    tmp_path: Path, app_postgres_url: str, certificate: Certificate, servers: list[Served]
) -> None:
    tls = ["--tls-cert", str(certificate.cert), "--tls-key", str(certificate.key)]
    args = ["--accounts", *tls]
    served = serve(tmp_path, app_postgres_url, *args, verify=trusting(certificate), scheme="https")
    servers.append(served)
    health = httpx.get(served.url + "/api/v1/health", verify=trusting(certificate))
    assert health.status_code == 200, health.text
    assert served.url.startswith("https://")
    assert f"running at {served.url}/" in served.log_tail()
    anonymous = httpx.get(served.url + "/api/v1/twitches", verify=trusting(certificate))
    assert anonymous.status_code == 401, anonymous.text  # sign-in is on
    assert anonymous.headers["content-type"].startswith("application/problem+json")
    with pytest.raises(httpx.ConnectError):  # a certificate nobody trusts is refused
        httpx.get(served.url + "/api/v1/health", verify=trusting(self_signed(tmp_path, "other")))
    with pytest.raises(httpx.TransportError):  # and plain HTTP is not spoken at all
        httpx.get(served.url.replace("https://", "http://") + "/api/v1/health", timeout=5)


def refused(
    tmp_path: Path, db_url: str, *args: str
) -> tuple[subprocess.CompletedProcess[str], int]:
    port = free_port()
    done = subprocess.run(
        [TWITCHWISE, "serve", "--port", str(port), *args],
        capture_output=True,
        text=True,
        env=environment(tmp_path, db_url),
        cwd=tmp_path,
        timeout=60,
        check=False,
    )
    return done, port


def assert_refused(done: subprocess.CompletedProcess[str], port: int, message: str) -> None:
    said = " ".join(done.stderr.split())
    assert done.returncode == 2, done.stdout + done.stderr
    assert message in said, said
    assert said.count("error:") == 1 and "Traceback" not in said
    assert "running at" not in done.stdout and not listening(port)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--host", "0.0.0.0"], "--host 0.0.0.0: a diary reachable from the network needs sign-in"),
        (["--forwarded-allow-ips", "127.0.0.1"], "--forwarded-allow-ips: a reverse proxy puts"),
        (["--accounts"], "--db: a server for several people needs PostgreSQL: --db postgresql://"),
        (["--tls-cert", "missing.pem", "--tls-key", "missing.pem"], "--tls-cert: cannot read"),
    ],
)
def test_refusals_on_sqlite(tmp_path: Path, args: list[str], message: str) -> None:
    done, port = refused(tmp_path, f"sqlite:///{tmp_path / 'diary.db'}", *args)
    assert_refused(done, port, message)


def test_a_certificate_without_its_key_is_refused(tmp_path: Path, certificate: Certificate) -> None:
    url = f"sqlite:///{tmp_path / 'diary.db'}"
    done, port = refused(tmp_path, url, "--tls-cert", str(certificate.cert))
    assert_refused(done, port, "--tls-key: needed with --tls-cert")
    other = self_signed(tmp_path, "other")
    done, port = refused(
        tmp_path, url, "--tls-cert", str(certificate.cert), "--tls-key", str(other.key)
    )
    assert_refused(done, port, "are not a certificate and its key")


def test_a_superuser_role_is_refused(tmp_path: Path, postgres_url: str) -> None:
    done, port = refused(tmp_path, postgres_url, "--accounts")
    assert_refused(done, port, "PostgreSQL role postgres is a superuser or has BYPASSRLS")
    assert "CREATE ROLE twitchwise LOGIN PASSWORD" in " ".join(done.stderr.split())


def test_the_network_without_https_is_refused(tmp_path: Path, app_postgres_url: str) -> None:
    done, port = refused(tmp_path, app_postgres_url, "--host", "0.0.0.0", "--accounts")
    assert_refused(done, port, "--host 0.0.0.0: passwords would cross the network in clear")


def _scheme_seen(served: Served) -> str:
    """The scheme the app believes a request came by, when it carries a forged proxy header.

    Read off the absolute URL of the trailing-slash redirect (built from the request's scope).
    With sign-in on, that unknown path is refused before routing (401): then read the CSRF
    cookie a public path sets, which is Secure exactly when the app believes it is on https.
    """
    forged = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"}
    response = httpx.get(served.url + "/api/v1/health/", headers=forged)
    if response.status_code in (307, 308):
        return httpx.URL(response.headers["location"]).scheme
    assert response.status_code == 401, response.text
    response = httpx.get(served.url + "/api/v1/health", headers=forged)
    cookies = response.headers.get_list("set-cookie")
    assert cookies, response.headers
    return "https" if any("; Secure" in c for c in cookies) else "http"


def test_forwarded_headers_are_believed_only_from_the_named_proxy(
    tmp_path: Path, app_postgres_url: str, servers: list[Served]
) -> None:
    local = serve(tmp_path, f"sqlite:///{tmp_path / 'diary.db'}")  # as today: no flags
    servers.append(local)
    assert _scheme_seen(local) == "http"  # uvicorn alone would believe 127.0.0.1's header
    elsewhere = serve(tmp_path, app_postgres_url, "--accounts", "--forwarded-allow-ips", "10.9.9.9")
    servers.append(elsewhere)
    assert _scheme_seen(elsewhere) == "http"  # we are not 10.9.9.9: the forgery is ignored
    proxy = serve(tmp_path, app_postgres_url, "--accounts", "--forwarded-allow-ips", "127.0.0.1")
    servers.append(proxy)
    assert _scheme_seen(proxy) == "https"  # from the proxy's address the header counts


def test_a_refused_superuser_creates_no_tables(tmp_path: Path, postgres_url: str) -> None:
    """The role is judged before migrating: tables made by the superuser would belong to it."""
    done, port = refused(tmp_path, postgres_url, "--accounts")
    assert_refused(done, port, "is a superuser or has BYPASSRLS")
    engine = make_engine(postgres_url)
    try:
        assert not inspect(engine).get_table_names()
    finally:
        engine.dispose()


def test_an_unreachable_database_is_one_line(tmp_path: Path) -> None:
    url = f"postgresql+psycopg://nobody@127.0.0.1:{free_port()}/twitchwise"
    done, port = refused(tmp_path, url, "--accounts")
    assert_refused(done, port, "--db: cannot connect to the database:")

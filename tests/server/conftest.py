"""Real `twitchwise serve` processes on a free loopback port, and a self-signed certificate.

Each server is the installed console script, started exactly as a person would start it, so the
flags, the refusals and uvicorn's TLS and proxy-header handling are tested end to end.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
import socket
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

TWITCHWISE = str(Path(sys.executable).parent / "twitchwise")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def listening(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


def environment(folder: Path, db_url: str) -> dict[str, str]:
    """The environment of a served app: its own data folder, no TWITCHWISE_* of the caller."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TWITCHWISE_")}
    return {**env, "TWITCHWISE_DB": db_url, "XDG_DATA_HOME": str(folder / "data")}


@dataclass(frozen=True)
class Certificate:
    cert: Path
    key: Path


@dataclass
class Served:
    url: str
    process: subprocess.Popen[bytes]
    log: Path

    def log_tail(self) -> str:
        return self.log.read_text(errors="replace")[-3000:]


def trusting(certificate: Certificate) -> ssl.SSLContext:
    """A client TLS context that trusts exactly `certificate` (as a phone trusting a home CA)."""
    return ssl.create_default_context(cafile=str(certificate.cert))


def serve(
    folder: Path,
    db_url: str,
    *args: str,
    verify: ssl.SSLContext | bool = False,
    scheme: str = "http",
) -> Served:
    """Start `twitchwise serve --port FREE ARGS...` and wait until it answers /api/v1/health."""
    port = free_port()
    log = folder / f"serve-{port}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [TWITCHWISE, "serve", "--port", str(port), *args],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=environment(folder, db_url),
            cwd=folder,
        )
    served = Served(f"{scheme}://127.0.0.1:{port}", process, log)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"twitchwise serve exited during start-up:\n{served.log_tail()}")
        try:
            httpx.get(served.url + "/api/v1/health", verify=verify, timeout=2)
            return served
        except httpx.TransportError:
            time.sleep(0.2)
    stop(served)
    pytest.fail(f"twitchwise serve did not answer within 30 s:\n{served.log_tail()}")


def stop(served: Served) -> None:
    served.process.terminate()
    try:
        served.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        served.process.kill()
        served.process.wait()


@pytest.fixture
def servers(tmp_path: Path) -> Iterator[list[Served]]:
    """Servers started by the test, stopped after it."""
    started: list[Served] = []
    yield started
    for served in started:
        stop(served)


def self_signed(folder: Path, name: str = "cert", *extra: str) -> Certificate:
    """A certificate for 127.0.0.1, localhost and the `extra` names, signed by its own key
    (trusted by a client as mkcert's root or Caddy's internal CA would be on a phone)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [
                    x509.DNSName("localhost"),
                    x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
                    *(x509.DNSName(n) for n in extra),
                ]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    paths = Certificate(folder / f"{name}.pem", folder / f"{name}-key.pem")
    paths.cert.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    paths.key.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    paths.key.chmod(0o600)
    return paths


@pytest.fixture
def certificate(tmp_path: Path) -> Certificate:
    return self_signed(tmp_path)

"""`twitchwise serve`: run the web app on this computer (127.0.0.1 unless told otherwise), or,
with `--accounts`, as a server for several people.

Every refusal below happens before anything listens, each as one line naming the option and
exit status 2 (docs/server.md, "What the refusals mean"):

- beyond loopback (another `--host`, or a reverse proxy via `--forwarded-allow-ips`) only with
  `--accounts`: a health diary on the network needs sign-in;
- `--accounts` only on PostgreSQL, and only as a role that row-level security binds (not a
  superuser, not BYPASSRLS): the database keeps people apart a second time;
- beyond loopback only over HTTPS: `--tls-cert/--tls-key`, or an HTTPS proxy named with
  `--forwarded-allow-ips`; plain HTTP only when asked for by name (`--insecure-http`), since
  a password typed on the network would otherwise cross it readable by anyone on the path.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ._app import app, settings
from ._errors import err_console, fail

if TYPE_CHECKING:
    from twitchwise.settings import Settings

LOOPBACK_NAMES = frozenset({"localhost", "ip6-localhost"})


@dataclass(frozen=True)
class _Flags:
    host: str | None
    port: int | None
    allowed_host: list[str]
    accounts: bool
    tls_cert: Path | None
    tls_key: Path | None
    forwarded_allow_ips: list[str]


@app.command()
def serve(
    ctx: typer.Context,
    host: Annotated[
        str | None,
        typer.Option(
            help="Address to listen on. The default, 127.0.0.1, is this computer only; any "
            "other needs --accounts, PostgreSQL and HTTPS."
        ),
    ] = None,
    port: Annotated[int | None, typer.Option(min=1, max=65535, help="Port to listen on.")] = None,
    allowed_host: Annotated[
        list[str] | None,
        typer.Option(
            "--allowed-host",
            help="A host name the app may be reached by besides 127.0.0.1, localhost, the "
            "--host address and the names in --tls-cert (repeat for several). Every other Host "
            "header is refused, so a DNS-rebinding web page cannot read the diary.",
        ),
    ] = None,
    accounts: Annotated[
        bool,
        typer.Option(
            "--accounts",
            help="Turn sign-in on: every person signs in and sees only their own diary "
            "(needs PostgreSQL; add people with `twitchwise user add`).",
        ),
    ] = False,
    tls_cert: Annotated[
        Path | None,
        typer.Option("--tls-cert", metavar="PATH", help="Serve HTTPS with this certificate (PEM)."),
    ] = None,
    tls_key: Annotated[
        Path | None,
        typer.Option("--tls-key", metavar="PATH", help="The private key (PEM) of --tls-cert."),
    ] = None,
    forwarded_allow_ips: Annotated[
        list[str] | None,
        typer.Option(
            "--forwarded-allow-ips",
            metavar="ADDR",
            help="Address of a reverse proxy (Caddy) in front of the app, whose "
            "X-Forwarded-For and X-Forwarded-Proto are believed (repeat for several). "
            "Nobody else's are.",
        ),
    ] = None,
    insecure_http: Annotated[
        bool,
        typer.Option(
            "--insecure-http",
            help="Allow plain HTTP beyond this computer (passwords cross the network "
            "unencrypted): only on a network you trust entirely, such as a VPN.",
        ),
    ] = False,
) -> None:
    """Start the web app and print its address; stop it with Ctrl+C."""
    flags = _Flags(
        host, port, allowed_host or [], accounts, tls_cert, tls_key, forwarded_allow_ips or []
    )
    config = _configure(settings(ctx), flags)
    _check_tls(config)
    _check_proxies(config.forwarded_allow_ips)
    config = _with_certificate_names(config)
    _check_exposure(config, insecure_http=insecure_http)
    _run(config, insecure_http=insecure_http)


def _configure(base: Settings, flags: _Flags) -> Settings:
    """The settings (TWITCHWISE_* environment) with the command line's flags over them."""
    return base.model_copy(
        update={
            "host": flags.host or base.host,
            "port": flags.port if flags.port is not None else base.port,
            "allowed_hosts": [*base.allowed_hosts, *flags.allowed_host],
            "accounts": flags.accounts or base.accounts,
            "tls_cert": flags.tls_cert or base.tls_cert,
            "tls_key": flags.tls_key or base.tls_key,
            "forwarded_allow_ips": [*base.forwarded_allow_ips, *flags.forwarded_allow_ips],
        }
    )


def is_loopback(host: str) -> bool:
    """Whether `host` is this computer only (127.0.0.0/8, ::1, localhost)."""
    import ipaddress

    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a name (diary.lan) or a wildcard: reachable from elsewhere


def _check_tls(config: Settings) -> None:
    """Both files or neither; each readable; and a key that belongs to the certificate."""
    cert, key = config.tls_cert, config.tls_key
    if cert is None and key is None:
        return
    if cert is None:
        fail("--tls-cert: needed with --tls-key (the certificate the key belongs to)")
    if key is None:
        fail("--tls-key: needed with --tls-cert (the certificate's private key)")
    for option, path in (("--tls-cert", cert), ("--tls-key", key)):
        try:
            with path.open("rb") as file:
                file.read(1)
        except OSError as exc:
            fail(f"{option}: cannot read {path}: {exc.strerror or exc}")
    import ssl

    try:
        ssl.create_default_context(ssl.Purpose.CLIENT_AUTH).load_cert_chain(cert, key)
    except (ssl.SSLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", None) or str(exc)
        fail(f"--tls-cert/--tls-key: {cert} and {key} are not a certificate and its key ({reason})")
    try:
        certificate_names(cert)
    except ValueError as exc:
        fail(f"--tls-cert: {cert} is not a PEM certificate ({exc})")


def certificate_names(cert: Path) -> list[str]:
    """The host names and addresses a PEM certificate is for (its subjectAltName)."""
    from cryptography import x509

    first = x509.load_pem_x509_certificates(cert.read_bytes())[0]
    try:
        names = first.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return []
    found = [*names.get_values_for_type(x509.DNSName)]
    found += [str(a) for a in names.get_values_for_type(x509.IPAddress)]
    return found


def _with_certificate_names(config: Settings) -> Settings:
    """With HTTPS, the names in the certificate are answered too: a browser reaches the app
    only by a name the certificate is for, and a DNS-rebinding page's own name never is."""
    if config.tls_cert is None:
        return config
    names = [n.lower() for n in certificate_names(config.tls_cert)]
    return config.model_copy(update={"allowed_hosts": [*config.allowed_hosts, *names]})


def _check_proxies(proxies: list[str]) -> None:
    """Each proxy an address or network; never `*`, which would let any client claim any
    address (dodging the sign-in limit) and https it does not have."""
    import ipaddress

    for proxy in proxies:
        if proxy.strip() == "*":
            fail("--forwarded-allow-ips: '*' would believe every client; name the proxy's address")
        try:
            ipaddress.ip_network(proxy.strip(), strict=False)
        except ValueError:
            fail(f"--forwarded-allow-ips: {proxy!r} is not an IP address or network")


def _check_exposure(config: Settings, *, insecure_http: bool) -> None:
    """Sign-in beyond loopback, PostgreSQL for accounts, HTTPS on the network (module docs)."""
    local = is_loopback(config.host)
    if not local and not config.accounts:
        fail(
            f"--host {config.host}: a diary reachable from the network needs sign-in; add "
            "--accounts (with PostgreSQL: --db postgresql://...), or listen on 127.0.0.1"
        )
    if config.forwarded_allow_ips and not config.accounts:
        fail(
            "--forwarded-allow-ips: a reverse proxy puts the diary on the network, which needs "
            "sign-in; add --accounts (with PostgreSQL: --db postgresql://...)"
        )
    if config.accounts and config.db.startswith("sqlite"):
        fail(
            "--db: a server for several people needs PostgreSQL: --db postgresql://... "
            "(SQLite is for one person on this computer; see docs/server.md)"
        )
    secure = config.tls_cert is not None or bool(config.forwarded_allow_ips)
    if not local and not secure and not insecure_http:
        fail(
            f"--host {config.host}: passwords would cross the network in clear; give "
            "--tls-cert and --tls-key, or --forwarded-allow-ips for an HTTPS proxy in front "
            "(or --insecure-http on a network you trust entirely, such as a VPN)"
        )
    if config.accounts:
        _check_row_security(config.db)


def _check_row_security(url: str) -> None:
    """Refuse a PostgreSQL role that row-level security would not bind: its attributes first,
    before migrating (tables created by a refused superuser would be the wrong owner's), then
    the migrated tables' policies."""
    from sqlalchemy.exc import SQLAlchemyError

    from twitchwise.diary import DatabaseFailure, DiaryError
    from twitchwise.diary._store import (
        make_engine,
        open_engine,
        role_skips_row_security,
        row_security_binds,
    )

    try:
        engine = make_engine(url)
        try:
            role = engine.url.username or "(your login name)"
            binds = not role_skips_row_security(engine)
        finally:
            engine.dispose()
        if binds:
            engine = open_engine(url)
            try:
                binds = row_security_binds(engine)
            finally:
                engine.dispose()
    except (DiaryError, DatabaseFailure) as exc:
        fail(str(exc))
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        fail(f"--db: cannot connect to the database: {reason}")
    if not binds:
        fail(
            f"--db: PostgreSQL role {role} is a superuser or has BYPASSRLS (or a table lost "
            "FORCE ROW LEVEL SECURITY), so row-level security would not keep people apart; "
            "connect as an ordinary role: CREATE ROLE twitchwise LOGIN PASSWORD '...' "
            "NOSUPERUSER NOBYPASSRLS; CREATE DATABASE twitchwise OWNER twitchwise "
            "(docs/server.md)"
        )


def _run(config: Settings, *, insecure_http: bool) -> None:
    import uvicorn

    from twitchwise.diary import DiaryError
    from twitchwise.web import create_app

    try:
        web_app = create_app(config, push_sender=True)
    except DiaryError as exc:  # a diary that cannot be opened is one clear line, not a traceback
        fail(str(exc))
    shown = f"[{config.host}]" if ":" in config.host else config.host
    scheme = "https" if config.tls_cert else "http"
    typer.echo(f"twitchwise is running at {scheme}://{shown}:{config.port}/ (press Ctrl+C to stop)")
    _warn(config, insecure_http=insecure_http)
    uvicorn.run(
        web_app,
        host=config.host,
        port=config.port,
        log_level="warning",
        # uvicorn believes X-Forwarded-* from 127.0.0.1 unless told otherwise: only the named
        # proxy's are believed, and without one nobody's (a client cannot fake its address).
        proxy_headers=bool(config.forwarded_allow_ips),
        forwarded_allow_ips=config.forwarded_allow_ips or None,
        ssl_certfile=str(config.tls_cert) if config.tls_cert else None,
        ssl_keyfile=str(config.tls_key) if config.tls_key else None,
    )


def _warn(config: Settings, *, insecure_http: bool) -> None:
    if is_loopback(config.host):
        return
    secure = config.tls_cert is not None or bool(config.forwarded_allow_ips)
    if insecure_http and not secure:
        err_console.print(
            "[bold red]WARNING: plain HTTP on the network[/]: passwords, session cookies and "
            "the diary itself cross it unencrypted; anyone on the path can read them. Use "
            "--tls-cert/--tls-key unless this network is yours alone (a VPN).",
            highlight=False,
            soft_wrap=True,
        )
    typer.echo(
        f"note: listening on {config.host}, so other devices on the network can reach the "
        "sign-in page. Only the names 127.0.0.1, localhost, the --host address, each "
        "--allowed-host and the names in --tls-cert are answered (name this computer's "
        "address or name with --allowed-host).",
        err=True,
    )

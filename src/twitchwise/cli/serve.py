"""`twitchwise serve`: run the web app on this computer (127.0.0.1 unless told otherwise)."""

from __future__ import annotations

from typing import Annotated

import typer

from ._app import app, settings
from ._errors import fail


@app.command()
def serve(
    ctx: typer.Context,
    host: Annotated[
        str | None,
        typer.Option(help="Address to listen on. The default, 127.0.0.1, is this computer only."),
    ] = None,
    port: Annotated[int | None, typer.Option(min=1, max=65535, help="Port to listen on.")] = None,
    allowed_host: Annotated[
        list[str] | None,
        typer.Option(
            "--allowed-host",
            help="A host name the app may be reached by besides 127.0.0.1, localhost and the "
            "--host address (repeat for several). Every other Host header is refused, so a "
            "DNS-rebinding web page cannot read the diary.",
        ),
    ] = None,
) -> None:
    """Start the web app and print its address; stop it with Ctrl+C."""
    import uvicorn

    from twitchwise.diary import DiaryError
    from twitchwise.web import create_app

    base = settings(ctx)
    config = base.model_copy(
        update={
            "host": host or base.host,
            "port": port if port is not None else base.port,
            "allowed_hosts": [*base.allowed_hosts, *(allowed_host or [])],
        }
    )
    try:
        web_app = create_app(config, push_sender=True)
    except DiaryError as exc:  # a diary that cannot be opened is one clear line, not a traceback
        fail(str(exc))
    shown = f"[{config.host}]" if ":" in config.host else config.host
    typer.echo(f"twitchwise is running at http://{shown}:{config.port}/ (press Ctrl+C to stop)")
    if config.host not in {"127.0.0.1", "localhost", "::1"}:
        typer.echo(
            f"warning: listening on {config.host}, so other devices on the network can reach "
            "your diary. There is no login; use 127.0.0.1 unless you trust the network. "
            "Only the names 127.0.0.1, localhost, the --host address and each --allowed-host "
            "are answered (name this computer's address or name with --allowed-host).",
            err=True,
        )
    uvicorn.run(web_app, host=config.host, port=config.port, log_level="warning")

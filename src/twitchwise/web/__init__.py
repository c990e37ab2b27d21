"""The twitchwise web app and JSON API: a thin FastAPI layer over the core library."""

from __future__ import annotations

from ._app import create_app

__all__ = ["create_app"]

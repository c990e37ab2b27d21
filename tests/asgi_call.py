"""Driving an ASGI app by hand, for tests that must see exactly what the app reads and sends."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from concurrent.futures import ThreadPoolExecutor
from typing import Any


def run_isolated(call: Awaitable[Any]) -> Any:
    """Run `call` to completion on a fresh event loop in its own thread.

    `asyncio.run` refuses to start while the test process's main thread already runs a loop, as
    it does once Playwright's sync API (the browser tests) has started in the same session.
    """

    async def wrapper() -> Any:
        return await call

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, wrapper()).result()

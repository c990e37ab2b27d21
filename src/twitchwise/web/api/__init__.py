"""The JSON API under /api/v1."""

from __future__ import annotations

from fastapi import APIRouter

from . import health

router = APIRouter(prefix="/api/v1")
for module in (health,):
    router.include_router(module.router)

__all__ = ["router"]

"""The JSON API under /api/v1."""

from __future__ import annotations

from fastapi import APIRouter

from . import assess, checkins, experiments, export, health, insights, report, twitches

router = APIRouter(prefix="/api/v1")
for module in (health, assess, twitches, checkins, export, insights, experiments, report):
    router.include_router(module.router)

__all__ = ["router"]

"""The JSON API under /api/v1."""

from __future__ import annotations

from fastapi import APIRouter

from . import assess, checkins, experiments, export, health, insights, twitches
from . import data as _data
from . import imports as _imports
from . import push as _push
from . import report as report_module  # the doctor report (issue 12)
from . import tokens as _tokens

router = APIRouter(prefix="/api/v1")
for module in (health, assess, twitches, checkins, export, insights, experiments):
    router.include_router(module.router)
router.include_router(_data.router)
router.include_router(report_module.router)
router.include_router(_imports.router)
router.include_router(_push.router)  # Web Push reminders (issue 13)
router.include_router(_tokens.router)  # personal access tokens (issue 16)

__all__ = ["router"]

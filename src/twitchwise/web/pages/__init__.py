"""The HTML pages, one module per page; every form post passes the CSRF check."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from .._deps import verify_csrf
from . import account, assess, checkin, diary, docs, experiment, home, insights, log, signin, upload
from . import data as _data
from . import report as report_module  # the doctor report (issue 12)

router = APIRouter(dependencies=[Depends(verify_csrf)], include_in_schema=False)
for module in (home, log, checkin, diary, assess, insights, experiment, upload, docs):
    router.include_router(module.router)
router.include_router(_data.router)
router.include_router(report_module.router)
router.include_router(signin.router)  # accounts (issue 16): sign-in, sign-out
router.include_router(account.router)  # accounts (issue 16): the Account page

__all__ = ["router"]

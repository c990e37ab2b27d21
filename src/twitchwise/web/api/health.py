"""GET /api/v1/health: the trivial endpoint (the benchmark's baseline)."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel

router = APIRouter(tags=["health"])


class Health(BaseModel):
    status: Literal["ok"] = "ok"


@router.get("/health", response_model=Health, summary="Is the server up?")
async def health() -> Health:
    return Health()

"""/docs: the API reference (Swagger UI served from the vendored npm package) and /about."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from .._apidoc import operations, schemas
from .._templates import vendor_versions
from ._common import render

router = APIRouter()


@router.get("/docs", response_class=HTMLResponse)
def api_docs(request: Request) -> HTMLResponse:
    doc = request.app.openapi()
    return render(
        request,
        "docs.html",
        None,
        operations=operations(doc),
        schemas=schemas(doc),
        description=doc.get("info", {}).get("description", ""),
        has_swagger="swagger-ui-dist" in vendor_versions(),
    )


@router.get("/docs/interactive", response_class=HTMLResponse)
def api_docs_interactive(request: Request) -> HTMLResponse:
    return render(
        request,
        "docs_interactive.html",
        None,
        has_swagger="swagger-ui-dist" in vendor_versions(),
    )


@router.get("/about", response_class=HTMLResponse)
def about(request: Request) -> HTMLResponse:
    return render(request, "about.html", None, versions=vendor_versions())

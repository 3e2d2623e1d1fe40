"""The Jinja2 environment every page renders through (autoescaping on)."""

from __future__ import annotations

from importlib import resources
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from mockroom.auth.deps import csrf_token_for

templates = Jinja2Templates(directory=str(resources.files("mockroom.web") / "templates"))
templates.env.globals["csrf_token"] = csrf_token_for


def render(
    request: Request,
    name: str,
    context: dict[str, Any] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    return templates.TemplateResponse(request, name, context or {}, status_code=status_code)

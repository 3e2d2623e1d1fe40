"""The landing page, and the helpers every page form shares (reading fields, wording errors)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import ValidationError
from pydantic_core import ErrorDetails

from mockroom.auth.deps import OptionalPageUser
from mockroom.web.templating import render

router = APIRouter(include_in_schema=False)

FORM_FIELD = "form"


def see_other(url: str) -> RedirectResponse:
    """The redirect after a successful POST, so reloading the next page never re-sends the form."""
    return RedirectResponse(url, status_code=303)


async def form_fields(request: Request) -> dict[str, str]:
    """The submitted text fields; files and repeated names are not used by any page form."""
    form = await request.form()
    return {name: value for name, value in form.items() if isinstance(value, str)}


def field_errors(error: ValidationError) -> dict[str, str]:
    """One readable message per form field, keyed by the field's name (the first error wins)."""
    messages: dict[str, str] = {}
    for item in error.errors():
        location = item.get("loc", ())
        field = str(location[0]) if location else FORM_FIELD
        messages.setdefault(field, readable_message(item))
    return messages


def readable_message(item: ErrorDetails) -> str:
    """Pydantic's wording is written for developers; forms speak to people."""
    kind = item.get("type", "")
    context: dict[str, Any] = dict(item.get("ctx") or {})
    if kind == "missing" or (kind == "string_too_short" and context.get("min_length") == 1):
        return "This field is required."
    if kind == "string_too_short":
        return f"Use at least {context.get('min_length')} characters."
    if kind == "string_too_long":
        return f"Use at most {context.get('max_length'):,} characters."
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return "Enter a whole number."
    if kind == "greater_than_equal":
        return f"Enter a number of at least {context.get('ge')}."
    if kind == "less_than_equal":
        return f"Enter a number of at most {context.get('le')}."
    if kind == "literal_error":
        return "Choose one of the options."
    if kind == "too_long":
        return f"Give at most {context.get('max_length')} items."
    message = str(item.get("msg", "This value is not valid."))
    message = message.removeprefix("Value error, ")
    message = message.replace("value is not a valid email address: ", "")
    message = message[:1].upper() + message[1:]
    return message if message.endswith(".") else message + "."


@router.get("/", response_class=HTMLResponse)
async def landing(request: Request, user: OptionalPageUser) -> HTMLResponse:
    return render(request, "web/landing.html", {"user": user})

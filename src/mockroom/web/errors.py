"""One place turns errors into responses: JSON under /api, a page or an htmx fragment elsewhere."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mockroom.auth.deps import LoginRequired
from mockroom.errors import AppError, BodyTooLarge, PayloadTooLarge
from mockroom.web.templating import render

logger = logging.getLogger("mockroom.errors")

UNEXPECTED = "Something went wrong on our side. Try again."

STATUS_TITLES = {
    400: "Bad request",
    401: "Sign in required",
    403: "Not allowed",
    404: "Page not found",
    405: "Method not allowed",
    409: "Conflict",
    413: "Too large",
    422: "Check your input",
    429: "Too many requests",
    500: "Something went wrong",
}


def wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def error_response(
    request: Request,
    status: int,
    message: str,
    detail: Any = None,
    headers: Mapping[str, str] | None = None,
) -> Response:
    if wants_json(request):
        return JSONResponse(
            {"error": message, "detail": detail}, status_code=status, headers=headers
        )
    template = "errors/fragment.html" if request.headers.get("HX-Request") else "errors/page.html"
    context = {"status": status, "title": STATUS_TITLES.get(status, "Error"), "message": message}
    response = render(request, template, context, status_code=status)
    response.headers.update(headers or {})
    return response


def _field_errors(error: RequestValidationError) -> list[dict[str, str]]:
    fields = []
    for item in error.errors():
        if item.get("type") == "json_invalid":
            # Its location is a character offset, which reads as a field named "12".
            fields.append({"field": "body", "message": "The body is not valid JSON."})
            continue
        location = [
            str(part) for part in item.get("loc", ()) if part not in ("body", "query", "path")
        ]
        fields.append({"field": ".".join(location) or "body", "message": str(item.get("msg", ""))})
    return fields


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(LoginRequired)
    async def _login_required(request: Request, error: LoginRequired) -> Response:
        if wants_json(request):
            return error_response(request, 401, error.message)
        target = "/login?next=" + quote(request.url.path, safe="/")
        if request.headers.get("HX-Request"):
            return Response(status_code=204, headers={"HX-Redirect": target})
        return RedirectResponse(target, status_code=303)

    @app.exception_handler(AppError)
    async def _app_error(request: Request, error: AppError) -> Response:
        return error_response(request, error.status, error.message, error.detail)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, error: RequestValidationError) -> Response:
        fields = _field_errors(error)
        names = ", ".join(sorted({field["field"] for field in fields}))
        return error_response(request, 422, f"Invalid input: {names}.", fields)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, error: StarletteHTTPException) -> Response:
        if isinstance(error.__cause__, BodyTooLarge):
            # FastAPI reports any failure to read a JSON body as a 400, even the body limit
            # stopping a body sent without a length in chunks.
            return error_response(request, PayloadTooLarge.status, PayloadTooLarge.default_message)
        message = error.detail if isinstance(error.detail, str) else "The request failed."
        if error.status_code == 404:
            message = "Not found."
        # A 405 names the methods that are allowed (Allow); keep such headers.
        return error_response(request, error.status_code, message, headers=error.headers)

    # The last resort, for errors in the middleware themselves; UnexpectedErrors answers the
    # rest from inside them.
    @app.exception_handler(Exception)
    async def _unexpected(request: Request, error: Exception) -> Response:
        logger.exception("unhandled error on %s %s", request.method, request.url.path)
        return error_response(request, 500, UNEXPECTED)

    app.add_middleware(UnexpectedErrors)


class UnexpectedErrors:
    """Answers an unhandled exception with the generic 500, from inside the other middleware.

    Starlette's own last resort answers outside every middleware, so its response would lack
    the request id and the security headers, and the error's log line the request id that
    lets an operator find it from what the user reports.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def watched_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, watched_send)
        except BodyTooLarge:
            raise  # the body limit, further out, answers with its 413
        except Exception:
            if started:
                raise  # half a response is out; only the server can end it now
            request = Request(scope)
            logger.exception("unhandled error on %s %s", request.method, request.url.path)
            response = error_response(request, 500, UNEXPECTED)
            await response(scope, receive, send)

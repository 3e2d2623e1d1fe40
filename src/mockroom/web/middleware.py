"""Response headers every page gets, the request body limit, the anonymous CSRF cookie, CORS."""

from __future__ import annotations

from fastapi import FastAPI, Request
from starlette.datastructures import MutableHeaders
from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mockroom.auth.deps import ANONYMOUS_CSRF_COOKIE
from mockroom.errors import BodyTooLarge, PayloadTooLarge
from mockroom.web.errors import error_response

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: https:; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)
# The microphone stays available to our own pages, for spoken answers; nothing else is needed.
PERMISSIONS_POLICY = "camera=(), geolocation=(), payment=(), usb=(), microphone=(self)"


class SecurityHeaders:
    def __init__(self, app: ASGIApp, *, production: bool) -> None:
        self.app = app
        self.production = production

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
                headers.setdefault("X-Content-Type-Options", "nosniff")
                headers.setdefault("Referrer-Policy", "same-origin")
                headers.setdefault("X-Frame-Options", "DENY")
                headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
                headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
                if self.production:
                    headers.setdefault("Strict-Transport-Security", "max-age=31536000")
                seed = scope.get("state", {}).get("csrf_seed")
                if seed:
                    secure = "; Secure" if self.production else ""
                    headers.append(
                        "Set-Cookie",
                        f"{ANONYMOUS_CSRF_COOKIE}={seed}; HttpOnly; SameSite=Lax; Path=/{secure}",
                    )
            await send(message)

        await self.app(scope, receive, send_with_headers)


def allow_cross_origin(app: FastAPI, origins: list[str]) -> None:
    """Let the configured origins call the API from a browser; with none, CORS stays closed.

    Only bearer tokens cross origins: credentials (the session cookie) are never allowed, so a
    listed site can use the API with a token its user gives it, but never act as that user.
    """
    if not origins:
        return
    app.add_middleware(
        CORSMiddleware,
        allow_origins=origins,
        allow_credentials=False,
        allow_methods=["GET", "POST", "PATCH", "DELETE"],
        allow_headers=["Authorization", "Content-Type"],
        expose_headers=["Retry-After", "X-Request-ID"],
        max_age=600,
    )


class BodySizeLimit:
    """Refuses bodies over the limit, by Content-Length up front or by counting as they stream."""

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await _too_large(scope, receive, send)
            return
        received = 0

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise BodyTooLarge()
            return message

        try:
            await self.app(scope, counting_receive, send)
        except BodyTooLarge:
            await _too_large(scope, receive, send)


async def _too_large(scope: Scope, receive: Receive, send: Send) -> None:
    # The same error format as every other refusal: JSON for the API, a page for a form.
    request = Request(scope)
    response = error_response(request, PayloadTooLarge.status, PayloadTooLarge.default_message)
    await response(scope, receive, send)

"""Prometheus metrics, a request id on every request, and JSON log lines."""

from __future__ import annotations

import json
import logging
import time
import uuid
from contextvars import ContextVar

from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mockroom.interviews.repository import InterviewRepository
from mockroom.metrics import ACTIVE_INTERVIEWS, REQUEST_SECONDS

request_id: ContextVar[str] = ContextVar("request_id", default="-")

REQUEST_ID_HEADER = "X-Request-ID"


def _route_template(scope: Scope) -> str:
    """The matched route's template ("/api/v1/interviews/{interview_id}"), so that ids never
    become label values. Routing records the route on the scope, but an included router's
    route carries its path without the router's prefix: the prefix is whatever segments of
    the real path come before the template's own."""
    template = str(getattr(scope.get("route"), "path", "") or "")
    if not template:
        return "unmatched"
    segments = scope["path"].rstrip("/").split("/")
    own = template.rstrip("/").count("/")
    return "/".join(segments[: len(segments) - own]) + template


class RequestObservation:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.logger = logging.getLogger("mockroom.requests")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = dict(scope["headers"]).get(REQUEST_ID_HEADER.lower().encode(), b"").decode()
        current = (
            incoming if 0 < len(incoming) <= 64 and incoming.isprintable() else uuid.uuid4().hex
        )
        token = request_id.set(current)
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                MutableHeaders(scope=message)[REQUEST_ID_HEADER] = current
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            elapsed = time.perf_counter() - started
            route = _route_template(scope)
            REQUEST_SECONDS.labels(route, scope["method"], str(status)).observe(elapsed)
            self.logger.info(
                "request",
                extra={
                    "route": route,
                    "method": scope["method"],
                    "status": status,
                    "duration_ms": round(elapsed * 1000, 1),
                },
            )
            request_id.reset(token)


class JsonFormatter(logging.Formatter):
    STANDARD = set(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {"message"}

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": request_id.get(),
        }
        entry.update(
            {key: value for key, value in record.__dict__.items() if key not in self.STANDARD}
        )
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


def configure_logging(level: str) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger("mockroom")
    root.handlers[:] = [handler]
    root.setLevel(level)
    root.propagate = False


async def metrics_endpoint(request: Request) -> Response:
    async with request.app.state.sessionmaker() as session:
        ACTIVE_INTERVIEWS.set(await InterviewRepository(session).count_in_progress())
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

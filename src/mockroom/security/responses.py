"""How a refusal reads: 429 with Retry-After, as JSON under /api and as a page elsewhere."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import Response

from mockroom.errors import AppError
from mockroom.security.ratelimit import TooManyRequests
from mockroom.web.errors import error_response
from mockroom.web.openapi import ErrorBody

RATE_LIMITED: dict[int | str, dict[str, Any]] = {
    429: {
        "model": ErrorBody,
        "description": "Too many attempts; Retry-After says how many seconds to wait",
        "headers": {
            "Retry-After": {
                "description": "Seconds to wait before trying again.",
                "schema": {"type": "integer"},
            }
        },
    }
}


def with_retry_after(response: Response, error: AppError) -> Response:
    if isinstance(error, TooManyRequests):
        response.headers["Retry-After"] = str(error.retry_after)
    return response


def refusal(request: Request, error: AppError) -> Response:
    """The error as a response, for callers that must answer instead of raising."""
    return with_retry_after(
        error_response(request, error.status, error.message, error.detail), error
    )


def install_rate_limit_handler(app: FastAPI) -> None:
    @app.exception_handler(TooManyRequests)
    async def _too_many(request: Request, error: TooManyRequests) -> Response:
        return refusal(request, error)

"""Application errors. Services raise these; one handler renders them for the API or pages."""

from __future__ import annotations

from typing import Any


class AppError(Exception):
    status: int = 400
    default_message: str = "The request could not be processed."

    def __init__(self, message: str | None = None, *, detail: Any = None) -> None:
        self.message = message or self.default_message
        self.detail = detail
        super().__init__(self.message)


class ValidationFailed(AppError):
    status = 422
    default_message = "Some fields are not valid."


class NotAuthenticated(AppError):
    status = 401
    default_message = "Sign in to continue."


class NotFound(AppError):
    status = 404
    default_message = "Not found."


class Conflict(AppError):
    status = 409
    default_message = "That conflicts with the current state."


class CsrfFailed(AppError):
    status = 403
    default_message = (
        "The form expired or did not come from this site. Reload the page and try again."
    )


class PayloadTooLarge(AppError):
    status = 413
    default_message = "The request is too large."


class BodyTooLarge(Exception):
    """Raised while a request body streams in past the limit (web/middleware.BodySizeLimit)."""

"""Audit event types, where a request came from, and the API shape of an event."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class AuditEventType(StrEnum):
    # Event names, not secrets; the linter reads "password" and "token" as credentials.
    ACCOUNT_CREATED = "account_created"
    SIGN_IN_SUCCEEDED = "sign_in_succeeded"
    SIGN_IN_FAILED = "sign_in_failed"
    PASSWORD_CHANGED = "password_changed"  # noqa: S105
    SESSION_REVOKED = "session_revoked"
    TOKEN_CREATED = "token_created"  # noqa: S105
    TOKEN_REVOKED = "token_revoked"  # noqa: S105
    GITHUB_LINKED = "github_linked"
    DATA_EXPORTED = "data_exported"
    ACCOUNT_DELETED = "account_deleted"


@dataclass(frozen=True)
class Origin:
    """Where a request came from, as the audit log records it."""

    ip_address: str
    user_agent: str


DetailValue = str | int | float | bool | None


class AuditEvent(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    event: AuditEventType
    ip_address: str = Field(description="The client address the server saw.")
    user_agent: str
    detail: dict[str, DetailValue] = Field(
        description="What the event concerned, such as a token's name or sessions ended."
    )
    created_at: datetime

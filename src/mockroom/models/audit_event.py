from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from mockroom.db.base import Base, UtcDateTime, utcnow


class AuditEvent(Base):
    """A security event on an account: what happened, when, and from which address and browser.

    ``user_id`` is empty for events that belong to no account: a failed sign-in with an unknown
    email, and the record that an account was deleted (its rows went with it).
    """

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_user_recent", "user_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    event: Mapped[str] = mapped_column(String(40))
    ip_address: Mapped[str] = mapped_column(String(64), default="")
    user_agent: Mapped[str] = mapped_column(String(300), default="")
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

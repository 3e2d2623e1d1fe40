from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, CheckConstraint, String
from sqlalchemy.orm import Mapped, mapped_column

from mockroom.db.base import Base, UtcDateTime, utcnow

EXPERIENCE_LEVELS = ("junior", "mid", "senior")


class User(Base):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("experience_level IN ('junior', 'mid', 'senior')", name="experience_level"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    display_name: Mapped[str] = mapped_column(String(100))
    experience_level: Mapped[str] = mapped_column(String(10), default="mid")
    preferred_languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    github_username: Mapped[str | None] = mapped_column(String(100))
    github_data: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    github_synced_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)

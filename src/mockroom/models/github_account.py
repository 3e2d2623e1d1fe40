from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, CheckConstraint, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from mockroom.db.base import Base, UtcDateTime, utcnow


class GithubAccount(Base):
    """A user's link to GitHub: proven by OAuth, or a public username they typed.

    The access token is stored encrypted (see github/sealing.py) and never leaves the server.
    Only OAuth links identify a person, so only they are unique per GitHub account: anyone
    may link a public username, but signing in as a GitHub user needs that user's consent.
    """

    __tablename__ = "github_accounts"
    __table_args__ = (
        CheckConstraint("linked_via IN ('oauth', 'username')", name="linked_via"),
        Index(
            "uq_github_accounts_oauth_identity",
            "github_id",
            unique=True,
            sqlite_where=text("linked_via = 'oauth'"),
            postgresql_where=text("linked_via = 'oauth'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    github_id: Mapped[int] = mapped_column(BigInteger)
    login: Mapped[str] = mapped_column(String(100))
    linked_via: Mapped[str] = mapped_column(String(10))
    access_token: Mapped[str | None] = mapped_column(Text)
    scopes: Mapped[str] = mapped_column(String(200), default="")
    # Conditional-request cache: request path -> {"etag", "value", "next"}.
    http_cache: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    rate_limited_until: Mapped[datetime | None] = mapped_column(UtcDateTime)
    sync_attempted_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_error: Mapped[str | None] = mapped_column(String(500))
    linked_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

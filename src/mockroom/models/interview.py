from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, CheckConstraint, Float, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from mockroom.db.base import Base, UtcDateTime, utcnow

INTERVIEW_STATUSES = ("scheduled", "in_progress", "paused", "completed", "cancelled")


class Interview(Base):
    """One interview. Running time is elapsed_seconds plus the open stretch since resumed_at."""

    __tablename__ = "interviews"
    __table_args__ = (
        CheckConstraint(
            "status IN ('scheduled', 'in_progress', 'paused', 'completed', 'cancelled')",
            name="status",
        ),
        CheckConstraint(
            "interview_type IN ('technical', 'behavioral', 'system_design')", name="interview_type"
        ),
        CheckConstraint("difficulty IN ('easy', 'medium', 'hard')", name="difficulty"),
        CheckConstraint("question_count BETWEEN 1 AND 20", name="question_count"),
        CheckConstraint("duration_minutes BETWEEN 5 AND 180", name="duration_minutes"),
        CheckConstraint(
            "performance_score IS NULL OR (performance_score >= 0 AND performance_score <= 100)",
            name="performance_score",
        ),
        CheckConstraint("elapsed_seconds >= 0", name="elapsed_seconds"),
        Index("ix_interviews_user_created", "user_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(200))
    interview_type: Mapped[str] = mapped_column(String(20))
    difficulty: Mapped[str] = mapped_column(String(10))
    question_count: Mapped[int] = mapped_column(Integer)
    duration_minutes: Mapped[int] = mapped_column(Integer)
    focus_topics: Mapped[list[str]] = mapped_column(JSON, default=list)
    follow_ups_enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    status: Mapped[str] = mapped_column(String(20), default="scheduled")
    current_position: Mapped[int] = mapped_column(Integer, default=0)
    elapsed_seconds: Mapped[float] = mapped_column(Float, default=0.0)
    # The running clock's reading when the current question was shown; answer time is the
    # difference.
    question_shown_at_elapsed: Mapped[float] = mapped_column(Float, default=0.0)
    resumed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    started_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    end_reason: Mapped[str | None] = mapped_column(String(30))
    performance_score: Mapped[float | None] = mapped_column(Float)
    ai_analysis: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Float, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from mockroom.db.base import Base, UtcDateTime, utcnow


class InterviewResponse(Base):
    """The candidate's answer to one question; stored first, evaluated after (idempotently)."""

    __tablename__ = "interview_responses"
    __table_args__ = (
        CheckConstraint(
            "evaluation_status IN ('pending', 'evaluated', 'failed', 'skipped')",
            name="evaluation_status",
        ),
        CheckConstraint("ai_score IS NULL OR (ai_score >= 0 AND ai_score <= 100)", name="ai_score"),
        CheckConstraint("response_time_seconds >= 0", name="response_time_seconds"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    interview_question_id: Mapped[int] = mapped_column(
        ForeignKey("interview_questions.id", ondelete="CASCADE"), unique=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    answer_text: Mapped[str] = mapped_column(Text, default="")
    response_time_seconds: Mapped[float] = mapped_column(Float, default=0.0)
    evaluation_status: Mapped[str] = mapped_column(String(10), default="pending")
    ai_score: Mapped[float | None] = mapped_column(Float)
    ai_feedback: Mapped[str | None] = mapped_column(Text)
    improvement_suggestions: Mapped[list[str]] = mapped_column(JSON, default=list)
    evaluation: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    evaluation_error: Mapped[str | None] = mapped_column(String(300))
    submitted_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    evaluated_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Float, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from mockroom.db.base import Base, UtcDateTime, utcnow


class PerformanceMetric(Base):
    """One score from a completed interview: a criterion overall, or per area."""

    __tablename__ = "performance_metrics"
    __table_args__ = (
        CheckConstraint("score >= 0 AND score <= 100", name="score"),
        Index("ix_performance_metrics_user_metric", "user_id", "metric_name", "recorded_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    interview_id: Mapped[int] = mapped_column(
        ForeignKey("interviews.id", ondelete="CASCADE"), index=True
    )
    metric_name: Mapped[str] = mapped_column(String(40))
    area: Mapped[str | None] = mapped_column(String(60))
    score: Mapped[float] = mapped_column(Float)
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

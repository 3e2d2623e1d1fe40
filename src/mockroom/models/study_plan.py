from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer
from sqlalchemy.orm import Mapped, mapped_column

from mockroom.db.base import Base, UtcDateTime, utcnow


class StudyPlanRecord(Base):
    """A study plan as generated; a new one is added on each regeneration, the latest is shown."""

    __tablename__ = "study_plans"
    __table_args__ = (Index("ix_study_plans_user_created", "user_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    plan: Mapped[dict[str, Any]] = mapped_column(JSON)
    # How many completed interviews the plan was built from, to tell when it is out of date.
    interviews_considered: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

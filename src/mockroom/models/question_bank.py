from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from mockroom.db.base import Base, UtcDateTime, utcnow

QUESTION_TYPES = ("technical", "behavioral", "system_design")
DIFFICULTIES = ("easy", "medium", "hard")


class BankQuestion(Base):
    """A curated question. ``slug`` is the data files' stable key, so seeding is idempotent."""

    __tablename__ = "question_bank"
    __table_args__ = (
        CheckConstraint(
            "question_type IN ('technical', 'behavioral', 'system_design')", name="question_type"
        ),
        CheckConstraint("difficulty IN ('easy', 'medium', 'hard')", name="difficulty"),
        Index("ix_question_bank_type_difficulty", "question_type", "difficulty"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    question_type: Mapped[str] = mapped_column(String(20))
    area: Mapped[str] = mapped_column(String(60), index=True)
    difficulty: Mapped[str] = mapped_column(String(10))
    prompt: Mapped[str] = mapped_column(Text)
    reference_answer: Mapped[str] = mapped_column(Text)
    key_points: Mapped[list[str]] = mapped_column(JSON, default=list)
    follow_ups: Mapped[list[str]] = mapped_column(JSON, default=list)
    misconceptions: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)

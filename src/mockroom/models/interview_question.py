from __future__ import annotations

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from mockroom.db.base import Base


class InterviewQuestion(Base):
    """A question as asked: a copy of the bank entry, so later bank edits leave history intact."""

    __tablename__ = "interview_questions"
    __table_args__ = (
        # A follow-up shares its parent's position, so only main questions are unique by it.
        Index(
            "uq_interview_questions_main_position",
            "interview_id",
            "position",
            unique=True,
            sqlite_where=text("follow_up_of_id IS NULL"),
            postgresql_where=text("follow_up_of_id IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    interview_id: Mapped[int] = mapped_column(
        ForeignKey("interviews.id", ondelete="CASCADE"), index=True
    )
    bank_question_id: Mapped[int | None] = mapped_column(
        ForeignKey("question_bank.id", ondelete="SET NULL")
    )
    position: Mapped[int] = mapped_column(Integer)
    follow_up_of_id: Mapped[int | None] = mapped_column(
        ForeignKey("interview_questions.id", ondelete="CASCADE")
    )
    question_type: Mapped[str] = mapped_column(String(20))
    area: Mapped[str] = mapped_column(String(60))
    difficulty: Mapped[str] = mapped_column(String(10))
    prompt: Mapped[str] = mapped_column(Text)
    reference_answer: Mapped[str] = mapped_column(Text)
    key_points: Mapped[list[str]] = mapped_column(JSON, default=list)
    follow_ups: Mapped[list[str]] = mapped_column(JSON, default=list)
    misconceptions: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)

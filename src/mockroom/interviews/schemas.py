from __future__ import annotations

from datetime import datetime
from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, field_validator

from mockroom.ai.schemas import CriterionScores, Difficulty, Insights, QuestionType
from mockroom.config import settings

Item = TypeVar("Item")
InterviewStatus = Literal["scheduled", "in_progress", "paused", "completed", "cancelled"]


class Page(BaseModel, Generic[Item]):
    items: list[Item]
    next_cursor: str | None = Field(
        description="Pass as `cursor` to get the next page; null on the last page."
    )


class InterviewCreate(BaseModel):
    title: str = Field(min_length=1, max_length=200)
    interview_type: QuestionType = "technical"
    difficulty: Difficulty = "medium"
    question_count: int = Field(default=5, ge=1, le=20)
    duration_minutes: int = Field(default=30, ge=5, le=180)
    focus_topics: list[str] = Field(default_factory=list, max_length=10)
    follow_ups: bool = Field(
        default=True,
        description="Let the interviewer ask a follow-up when an answer misses key points.",
    )

    @field_validator("title")
    @classmethod
    def _trim_title(cls, value: str) -> str:
        value = value.strip()
        if not value:
            raise ValueError("enter a title")
        return value

    @field_validator("focus_topics")
    @classmethod
    def _clean_topics(cls, values: list[str]) -> list[str]:
        cleaned = []
        for value in values:
            topic = value.strip().lower()
            if len(topic) > 40:
                raise ValueError("each focus topic must be at most 40 characters")
            if topic and topic not in cleaned:
                cleaned.append(topic)
        return cleaned


class AnswerCreate(BaseModel):
    answer: str = Field(max_length=settings.max_answer_chars)

    @field_validator("answer")
    @classmethod
    def _not_empty(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("the answer is empty; write an answer or skip the question")
        return value


class QuestionView(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    position: int
    question_type: QuestionType
    area: str
    difficulty: Difficulty
    prompt: str
    follow_up_of_id: int | None = Field(
        default=None, description="Set on a follow-up: the question it follows up."
    )


class Interview(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    title: str
    interview_type: QuestionType
    difficulty: Difficulty
    question_count: int
    duration_minutes: int
    focus_topics: list[str]
    follow_ups_enabled: bool
    status: InterviewStatus
    current_position: int = Field(description="Zero-based index of the question being asked.")
    remaining_seconds: float
    started_at: datetime | None
    completed_at: datetime | None
    end_reason: str | None
    performance_score: float | None
    created_at: datetime
    current_question: QuestionView | None = None


class Evaluation(BaseModel):
    overall: float
    criteria: CriterionScores
    summary: str
    strengths: list[str]
    improvements: list[str]
    suggestions: list[str]
    covered_key_points: list[str]
    missed_key_points: list[str]
    flags: list[str]
    insights: Insights | None = None


class Response(BaseModel):
    id: int
    question_id: int
    answer: str
    skipped: bool
    response_time_seconds: float
    evaluation_status: Literal["pending", "evaluated", "failed", "skipped"]
    score: float | None
    feedback: str | None
    improvement_suggestions: list[str]
    evaluation: Evaluation | None


class AnswerResult(BaseModel):
    response: Response
    interview: Interview


class ReportItem(BaseModel):
    question: QuestionView
    response: Response | None


class Report(BaseModel):
    interview: Interview
    overall_score: float | None
    criteria: CriterionScores | None
    strengths: list[str]
    improvements: list[str]
    answered: int
    skipped: int
    unanswered: int
    items: list[ReportItem]
    analysis: dict[str, Any] | None = None

"""The data an engine takes and returns; hosted providers' JSON is validated by these models."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

QuestionType = Literal["technical", "behavioral", "system_design"]
Difficulty = Literal["easy", "medium", "hard"]
Level = Literal["junior", "mid", "senior"]

CRITERIA = ("technical_accuracy", "completeness", "clarity", "problem_solving")


class Misconception(BaseModel):
    """A false claim candidates often make, and the correction the feedback gives."""

    claim: str = Field(min_length=3)
    correction: str = Field(min_length=3)


class Question(BaseModel):
    question_type: QuestionType
    area: str = Field(min_length=1, max_length=60)
    difficulty: Difficulty
    prompt: str = Field(min_length=10)
    reference_answer: str = Field(min_length=10)
    key_points: list[str] = Field(min_length=1, max_length=8)
    follow_ups: list[str] = Field(default_factory=list, max_length=5)
    misconceptions: list[Misconception] = Field(default_factory=list)
    tags: list[str] = Field(default_factory=list)
    slug: str | None = None


class CandidateProfile(BaseModel):
    level: Level = "mid"
    languages: list[str] = Field(default_factory=list)
    topics: list[str] = Field(default_factory=list)
    projects: list[str] = Field(default_factory=list)
    weak_areas: list[str] = Field(default_factory=list)
    recent_question_slugs: list[str] = Field(default_factory=list)


class QuestionRequest(BaseModel):
    question_type: QuestionType
    difficulty: Difficulty
    count: int = Field(ge=1, le=20)
    focus_topics: list[str] = Field(default_factory=list)


class AnswerToGrade(BaseModel):
    question: Question
    answer: str
    response_time_seconds: float = 0.0


class CriterionScores(BaseModel):
    technical_accuracy: float = Field(ge=0, le=100)
    completeness: float = Field(ge=0, le=100)
    clarity: float = Field(ge=0, le=100)
    problem_solving: float = Field(ge=0, le=100)


class WordCount(BaseModel):
    word: str
    count: int = Field(ge=1)


class Insights(BaseModel):
    """What the answer sounded like, apart from its score (as practice tools show it)."""

    job_terms: list[str] = Field(
        default_factory=list, description="Terms of the question's field the answer used."
    )
    most_used_words: list[WordCount] = Field(default_factory=list)
    talking_points_covered: int = Field(default=0, ge=0)
    talking_points_total: int = Field(default=0, ge=0)


class Evaluation(BaseModel):
    overall: float = Field(ge=0, le=100)
    criteria: CriterionScores
    summary: str
    strengths: list[str] = Field(default_factory=list)
    improvements: list[str] = Field(default_factory=list)
    suggestions: list[str] = Field(default_factory=list)
    covered_key_points: list[str] = Field(default_factory=list)
    missed_key_points: list[str] = Field(default_factory=list)
    flags: list[str] = Field(default_factory=list)
    insights: Insights | None = None


class AreaResult(BaseModel):
    area: str
    question_type: QuestionType
    score: float = Field(ge=0, le=100)
    missed_key_points: list[str] = Field(default_factory=list)


class PerformanceHistory(BaseModel):
    profile: CandidateProfile = Field(default_factory=CandidateProfile)
    criteria_averages: CriterionScores | None = None
    results: list[AreaResult] = Field(default_factory=list)


class StudyTopic(BaseModel):
    area: str
    reason: str
    topics: list[str] = Field(default_factory=list)
    practice_question_slugs: list[str] = Field(default_factory=list)
    resources: list[str] = Field(default_factory=list)


class StudyPlanPeriod(BaseModel):
    label: str
    focus: list[StudyTopic]


class StudyPlan(BaseModel):
    summary: str
    periods: list[StudyPlanPeriod]

"""The engine protocol: everything that asks for questions, grades or plans goes through it."""

from __future__ import annotations

from typing import Protocol

from mockroom.ai.schemas import (
    AnswerToGrade,
    CandidateProfile,
    Evaluation,
    PerformanceHistory,
    Question,
    QuestionRequest,
    StudyPlan,
)


class Engine(Protocol):
    name: str

    async def generate_questions(
        self, request: QuestionRequest, profile: CandidateProfile
    ) -> list[Question]: ...

    async def evaluate(self, item: AnswerToGrade) -> Evaluation: ...

    async def study_plan(self, history: PerformanceHistory) -> StudyPlan: ...

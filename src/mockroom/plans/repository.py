"""The queries a study plan is built from, and the stored plans themselves."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from mockroom.models import (
    Interview,
    InterviewQuestion,
    InterviewResponse,
    PerformanceMetric,
    StudyPlanRecord,
)

RECENT_RESPONSES = 100


class PlanRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def latest(self, user_id: int) -> StudyPlanRecord | None:
        return await self.session.scalar(
            select(StudyPlanRecord)
            .where(StudyPlanRecord.user_id == user_id)
            .order_by(StudyPlanRecord.id.desc())
            .limit(1)
        )

    async def add(self, record: StudyPlanRecord) -> None:
        self.session.add(record)
        await self.session.flush()

    async def completed_interviews(self, user_id: int) -> int:
        count = await self.session.scalar(
            select(func.count())
            .select_from(Interview)
            .where(Interview.user_id == user_id, Interview.status == "completed")
        )
        return count or 0

    async def metric_averages(self, user_id: int) -> dict[tuple[str, str | None], float]:
        rows = await self.session.execute(
            select(
                PerformanceMetric.metric_name,
                PerformanceMetric.area,
                func.avg(PerformanceMetric.score),
            )
            .where(PerformanceMetric.user_id == user_id)
            .group_by(PerformanceMetric.metric_name, PerformanceMetric.area)
        )
        return {(name, area): float(average) for name, area, average in rows}

    async def recent_evaluations(self, user_id: int) -> list[tuple[str, str, dict[str, Any]]]:
        """(area, question type, stored evaluation) of the user's latest graded answers."""
        rows = await self.session.execute(
            select(
                InterviewQuestion.area,
                InterviewQuestion.question_type,
                InterviewResponse.evaluation,
            )
            .join(
                InterviewQuestion, InterviewQuestion.id == InterviewResponse.interview_question_id
            )
            .where(
                InterviewResponse.user_id == user_id,
                InterviewResponse.evaluation_status == "evaluated",
            )
            .order_by(InterviewResponse.id.desc())
            .limit(RECENT_RESPONSES)
        )
        return [(area, kind, evaluation) for area, kind, evaluation in rows if evaluation]

"""Every interview query. Reads carry the owner, so another user's row is simply not found."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from mockroom.db.row_security import every_row
from mockroom.models import (
    BankQuestion,
    Interview,
    InterviewQuestion,
    InterviewResponse,
    PerformanceMetric,
)


class InterviewRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, *rows: object) -> None:
        self.session.add_all(rows)
        await self.session.flush()

    async def owned(self, user_id: int, interview_id: int) -> Interview | None:
        return await self.session.scalar(
            select(Interview).where(Interview.id == interview_id, Interview.user_id == user_id)
        )

    async def page_of(
        self, user_id: int, *, before_id: int | None, limit: int, status: str | None = None
    ) -> list[Interview]:
        query = select(Interview).where(Interview.user_id == user_id)
        if before_id is not None:
            query = query.where(Interview.id < before_id)
        if status is not None:
            query = query.where(Interview.status == status)
        result = await self.session.scalars(query.order_by(Interview.id.desc()).limit(limit))
        return list(result)

    async def questions(self, interview_id: int) -> list[InterviewQuestion]:
        result = await self.session.scalars(
            select(InterviewQuestion)
            .where(InterviewQuestion.interview_id == interview_id)
            .order_by(InterviewQuestion.position, InterviewQuestion.id)
        )
        return list(result)

    async def responses(self, interview_id: int) -> list[InterviewResponse]:
        result = await self.session.scalars(
            select(InterviewResponse)
            .join(InterviewQuestion)
            .where(InterviewQuestion.interview_id == interview_id)
            .order_by(InterviewQuestion.position, InterviewQuestion.id)
        )
        return list(result)

    async def response_owned(
        self, user_id: int, interview_id: int, response_id: int
    ) -> InterviewResponse | None:
        return await self.session.scalar(
            select(InterviewResponse)
            .join(InterviewQuestion)
            .where(
                InterviewResponse.id == response_id,
                InterviewResponse.user_id == user_id,
                InterviewQuestion.interview_id == interview_id,
            )
        )

    async def recent_question_slugs(self, user_id: int, limit: int = 60) -> list[str]:
        result = await self.session.scalars(
            select(BankQuestion.slug)
            .join(InterviewQuestion, InterviewQuestion.bank_question_id == BankQuestion.id)
            .join(Interview, Interview.id == InterviewQuestion.interview_id)
            .where(Interview.user_id == user_id)
            .order_by(InterviewQuestion.id.desc())
            .limit(limit)
        )
        return list(result)

    async def bank_ids_by_slug(self, slugs: Sequence[str]) -> dict[str, int]:
        if not slugs:
            return {}
        rows = await self.session.execute(
            select(BankQuestion.slug, BankQuestion.id).where(BankQuestion.slug.in_(list(slugs)))
        )
        return {slug: bank_id for slug, bank_id in rows}

    async def weakest_areas(self, user_id: int, limit: int = 3) -> list[str]:
        average = func.avg(PerformanceMetric.score)
        rows = await self.session.execute(
            select(PerformanceMetric.area, average)
            .where(
                PerformanceMetric.user_id == user_id,
                PerformanceMetric.metric_name == "area_score",
                PerformanceMetric.area.is_not(None),
            )
            .group_by(PerformanceMetric.area)
            .having(average < 70)
            .order_by(average)
            .limit(limit)
        )
        return [str(area) for area, _ in rows]

    async def status_counts(self, user_id: int) -> dict[str, int]:
        rows = await self.session.execute(
            select(Interview.status, func.count())
            .where(Interview.user_id == user_id)
            .group_by(Interview.status)
        )
        return {status: count for status, count in rows}

    async def replace_metrics(self, interview_id: int, rows: Sequence[PerformanceMetric]) -> None:
        await self.session.execute(
            delete(PerformanceMetric).where(PerformanceMetric.interview_id == interview_id)
        )
        self.session.add_all(rows)
        await self.session.flush()

    async def count_in_progress(self) -> int:
        """Across all users: only the metrics endpoint asks, and it returns a bare number."""
        async with every_row(self.session):
            count = await self.session.scalar(
                select(func.count()).select_from(Interview).where(Interview.status == "in_progress")
            )
        return count or 0

"""Every dashboard query. Each one carries the owner, so a user only ever counts their own rows."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from mockroom.interviews.states import Status
from mockroom.models import Interview, PerformanceMetric


class AnalyticsRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def completed_scores(self, user_id: int) -> tuple[int, float | None, float | None]:
        """How many interviews were completed, and the average and best of their scores."""
        count, average, best = (
            await self.session.execute(
                select(
                    func.count(Interview.id),
                    func.avg(Interview.performance_score),
                    func.max(Interview.performance_score),
                ).where(Interview.user_id == user_id, Interview.status == Status.COMPLETED)
            )
        ).one()
        return (
            int(count),
            float(average) if average is not None else None,
            float(best) if best is not None else None,
        )

    async def banked_seconds(self, user_id: int) -> float:
        """Time banked on the interview clocks; a stretch still running is not included."""
        total = await self.session.scalar(
            select(func.coalesce(func.sum(Interview.elapsed_seconds), 0.0)).where(
                Interview.user_id == user_id
            )
        )
        return float(total or 0.0)

    async def unfinished(self, user_id: int) -> list[Interview]:
        """Interviews under way (running or paused), the most recently touched first."""
        result = await self.session.scalars(
            select(Interview)
            .where(
                Interview.user_id == user_id,
                Interview.status.in_([Status.IN_PROGRESS, Status.PAUSED]),
            )
            .order_by(Interview.updated_at.desc(), Interview.id.desc())
        )
        return list(result)

    async def recent(self, user_id: int, limit: int) -> list[Interview]:
        result = await self.session.scalars(
            select(Interview)
            .where(Interview.user_id == user_id)
            .order_by(Interview.id.desc())
            .limit(limit)
        )
        return list(result)

    async def metric_averages(self, user_id: int, names: tuple[str, ...]) -> dict[str, float]:
        rows = await self.session.execute(
            select(PerformanceMetric.metric_name, func.avg(PerformanceMetric.score))
            .where(PerformanceMetric.user_id == user_id, PerformanceMetric.metric_name.in_(names))
            .group_by(PerformanceMetric.metric_name)
        )
        return {name: float(average) for name, average in rows}

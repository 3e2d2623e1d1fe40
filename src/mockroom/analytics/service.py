"""The dashboard's figures for the acting user: practice done, scores, what to pick up next."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from mockroom.ai.schemas import CRITERIA
from mockroom.analytics.repository import AnalyticsRepository
from mockroom.db.base import utcnow
from mockroom.interviews import clock
from mockroom.models import Interview, User

RECENT_LIMIT = 5


@dataclass(frozen=True)
class Overview:
    completed: int
    average_score: float | None
    best_score: float | None
    practice_seconds: float
    resume: Interview | None
    recent: list[Interview]
    # Each criterion's average over every completed interview, in CRITERIA order.
    criteria: dict[str, float]


class AnalyticsService:
    def __init__(self, session: AsyncSession, user: User) -> None:
        self.repository = AnalyticsRepository(session)
        self.user = user

    async def overview(self) -> Overview:
        completed, average, best = await self.repository.completed_scores(self.user.id)
        unfinished = await self.repository.unfinished(self.user.id)
        now = utcnow()
        # A running interview's open stretch is not banked yet; count it so the total is current.
        running = sum(
            clock.running_seconds(interview, now) - interview.elapsed_seconds
            for interview in unfinished
        )
        averages = await self.repository.metric_averages(self.user.id, CRITERIA)
        return Overview(
            completed=completed,
            average_score=round(average, 1) if average is not None else None,
            best_score=round(best, 1) if best is not None else None,
            practice_seconds=await self.repository.banked_seconds(self.user.id) + running,
            resume=unfinished[0] if unfinished else None,
            recent=await self.repository.recent(self.user.id, RECENT_LIMIT),
            criteria={name: round(averages[name], 1) for name in CRITERIA if name in averages},
        )

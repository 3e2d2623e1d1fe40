"""Study plans: built by the engine from the user's stored results, kept, and regenerated."""

from __future__ import annotations

from collections import Counter, defaultdict

from sqlalchemy.ext.asyncio import AsyncSession

from mockroom.ai.engine import Engine
from mockroom.ai.recorder import RecordedEngine
from mockroom.ai.schemas import (
    CRITERIA,
    AreaResult,
    CandidateProfile,
    CriterionScores,
    Evaluation,
    PerformanceHistory,
    StudyPlan,
)
from mockroom.db.base import utcnow
from mockroom.models import StudyPlanRecord, User
from mockroom.plans.repository import PlanRepository

MISSED_POINTS_PER_AREA = 5
WEAK_BELOW = 70.0


class PlanService:
    def __init__(self, session: AsyncSession, engine: Engine, user: User) -> None:
        self.repository = PlanRepository(session)
        self.engine = RecordedEngine(engine, session, user.id)
        self.user = user

    async def latest(self) -> tuple[StudyPlanRecord, bool] | None:
        """The newest plan, and whether interviews were completed after it was made."""
        record = await self.repository.latest(self.user.id)
        if record is None:
            return None
        completed = await self.repository.completed_interviews(self.user.id)
        return record, completed > record.interviews_considered

    async def regenerate(self) -> StudyPlanRecord:
        plan: StudyPlan = await self.engine.study_plan(await self.history())
        record = StudyPlanRecord(
            user_id=self.user.id,
            plan=plan.model_dump(),
            interviews_considered=await self.repository.completed_interviews(self.user.id),
            created_at=utcnow(),
        )
        await self.repository.add(record)
        return record

    async def history(self) -> PerformanceHistory:
        averages = await self.repository.metric_averages(self.user.id)
        criteria = {name: averages[(name, None)] for name in CRITERIA if (name, None) in averages}
        missed: dict[str, Counter[str]] = defaultdict(Counter)
        kinds: dict[str, str] = {}
        for area, kind, stored in await self.repository.recent_evaluations(self.user.id):
            kinds[area] = kind
            missed[area].update(Evaluation.model_validate(stored).missed_key_points)
        results = [
            AreaResult(
                area=area,
                question_type=kinds.get(area, "technical"),
                score=round(score, 1),
                missed_key_points=[
                    point for point, _ in missed[area].most_common(MISSED_POINTS_PER_AREA)
                ],
            )
            for (name, area), score in sorted(averages.items(), key=lambda item: item[1])
            if name == "area_score" and area is not None
        ]
        return PerformanceHistory(
            profile=CandidateProfile(
                level=self.user.experience_level,
                languages=list(self.user.preferred_languages or []),
                weak_areas=[result.area for result in results if result.score < WEAK_BELOW],
            ),
            criteria_averages=CriterionScores(**criteria)
            if len(criteria) == len(CRITERIA)
            else None,
            results=results,
        )

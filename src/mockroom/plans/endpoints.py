"""The study plan API: read the latest plan, or build a new one from current results."""

from __future__ import annotations

from fastapi import APIRouter

from mockroom.ai.schemas import StudyPlan as StudyPlanContent
from mockroom.errors import NotFound
from mockroom.models import StudyPlanRecord
from mockroom.plans import schemas
from mockroom.plans.deps import ApiPlans
from mockroom.security.deps import api_allowance
from mockroom.security.limits import AiTask
from mockroom.security.responses import RATE_LIMITED
from mockroom.web.openapi import ERROR_RESPONSES

router = APIRouter(prefix="/study-plan", tags=["study plan"], responses=ERROR_RESPONSES)


def plan_view(record: StudyPlanRecord, out_of_date: bool) -> schemas.StudyPlan:
    return schemas.StudyPlan(
        id=record.id,
        created_at=record.created_at,
        interviews_considered=record.interviews_considered,
        out_of_date=out_of_date,
        plan=StudyPlanContent.model_validate(record.plan),
    )


@router.get("", summary="My latest study plan")
async def read_plan(service: ApiPlans) -> schemas.StudyPlan:
    found = await service.latest()
    if found is None:
        raise NotFound("No study plan yet. Create one with POST /api/v1/study-plan.")
    return plan_view(*found)


@router.post(
    "",
    status_code=201,
    summary="Build a new study plan from my results so far",
    dependencies=[api_allowance(AiTask.STUDY_PLAN)],
    responses=RATE_LIMITED,
)
async def regenerate_plan(service: ApiPlans) -> schemas.StudyPlan:
    return plan_view(await service.regenerate(), False)

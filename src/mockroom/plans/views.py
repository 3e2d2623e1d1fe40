"""The study plan page: the latest plan, and a button to rebuild it from current results."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from mockroom.ai.schemas import StudyPlan
from mockroom.auth.deps import CsrfChecked
from mockroom.plans.deps import PagePlans
from mockroom.questions.bank import load_bank
from mockroom.security.deps import page_allowance
from mockroom.security.limits import AiTask
from mockroom.web.templating import render
from mockroom.web.views import see_other

router = APIRouter(include_in_schema=False)


@router.get("/study-plan", response_class=HTMLResponse)
async def study_plan(request: Request, service: PagePlans) -> HTMLResponse:
    found = await service.latest()
    prompts = {question.slug: question.prompt for question in load_bank()}
    context = {
        "user": service.user,
        "record": found[0] if found else None,
        "out_of_date": found[1] if found else False,
        "plan": StudyPlan.model_validate(found[0].plan) if found else None,
        "prompts": prompts,
    }
    return render(request, "plans/study_plan.html", context)


@router.post("/study-plan", dependencies=[CsrfChecked, page_allowance(AiTask.STUDY_PLAN)])
async def rebuild_study_plan(service: PagePlans) -> Response:
    await service.regenerate()
    return see_other("/study-plan")

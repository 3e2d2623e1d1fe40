"""The study-plan service for the acting user, on the API and on pages."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from mockroom.auth.deps import CurrentUser, PageUser
from mockroom.db.session import DbSession
from mockroom.plans.service import PlanService


def api_service(request: Request, session: DbSession, user: CurrentUser) -> PlanService:
    return PlanService(session, request.app.state.engine, user)


def page_service(request: Request, session: DbSession, user: PageUser) -> PlanService:
    return PlanService(session, request.app.state.engine, user)


ApiPlans = Annotated[PlanService, Depends(api_service)]
PagePlans = Annotated[PlanService, Depends(page_service)]

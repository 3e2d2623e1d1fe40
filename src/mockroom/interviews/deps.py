"""The interview service for the acting user, and the interview they may see (404 otherwise)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from mockroom.auth.deps import CurrentUser, PageUser
from mockroom.db.session import DbSession
from mockroom.interviews.service import InterviewService
from mockroom.models import Interview
from mockroom.web.openapi import RowId


def api_service(request: Request, session: DbSession, user: CurrentUser) -> InterviewService:
    return InterviewService(session, request.app.state.engine, user)


def page_service(request: Request, session: DbSession, user: PageUser) -> InterviewService:
    return InterviewService(session, request.app.state.engine, user)


ApiInterviews = Annotated[InterviewService, Depends(api_service)]
PageInterviews = Annotated[InterviewService, Depends(page_service)]


async def api_interview(interview_id: RowId, service: ApiInterviews) -> Interview:
    return await service.get(interview_id)


async def page_interview(interview_id: RowId, service: PageInterviews) -> Interview:
    return await service.get(interview_id)


CurrentInterview = Annotated[Interview, Depends(api_interview)]
PageInterview = Annotated[Interview, Depends(page_interview)]

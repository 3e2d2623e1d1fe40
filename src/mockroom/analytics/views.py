"""The dashboard page."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from mockroom.analytics.service import AnalyticsService
from mockroom.auth.deps import PageUser
from mockroom.db.session import DbSession
from mockroom.web.templating import render

router = APIRouter(include_in_schema=False)


@router.get("/dashboard", response_class=HTMLResponse)
async def dashboard(request: Request, user: PageUser, session: DbSession) -> HTMLResponse:
    overview = await AnalyticsService(session, user).overview()
    return render(request, "analytics/dashboard.html", {"user": user, "overview": overview})

"""The GitHub settings and service for a request, the OAuth cookies, and background refreshes."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, FastAPI, Request
from fastapi.responses import Response
from starlette.background import BackgroundTask

from mockroom.config import Settings
from mockroom.db.session import DbSession
from mockroom.github import oauth
from mockroom.github.service import GithubService
from mockroom.github.settings import GithubSettings
from mockroom.models import User


def github_settings_of(request: Request) -> GithubSettings:
    settings: GithubSettings = request.app.state.github_settings
    return settings


def github_service(request: Request, session: DbSession) -> GithubService:
    return GithubService(session, github_settings_of(request), request.app.state.secret_key)


Github = Annotated[GithubService, Depends(github_service)]


def callback_uri(request: Request) -> str:
    configured = github_settings_of(request).callback_url
    return configured or str(request.url_for("github_callback"))


def _secure(request: Request) -> bool:
    settings: Settings = request.app.state.settings
    return settings.is_production


def set_state_cookie(request: Request, response: Response, sealed: str) -> None:
    response.set_cookie(
        oauth.STATE_COOKIE_NAME,
        sealed,
        max_age=oauth.STATE_MAX_AGE,
        path=oauth.CALLBACK_PATH,
        httponly=True,
        samesite="lax",
        secure=_secure(request),
    )


def clear_state_cookie(request: Request, response: Response) -> None:
    response.delete_cookie(
        oauth.STATE_COOKIE_NAME,
        path=oauth.CALLBACK_PATH,
        httponly=True,
        samesite="lax",
        secure=_secure(request),
    )


def set_pending_cookie(request: Request, response: Response, pending: oauth.PendingLink) -> None:
    response.set_cookie(
        oauth.PENDING_COOKIE_NAME,
        oauth.seal_pending(request.app.state.secret_key, pending),
        max_age=oauth.PENDING_MAX_AGE,
        path="/",
        httponly=True,
        samesite="lax",
        secure=_secure(request),
    )


def pending_link(request: Request) -> oauth.PendingLink | None:
    return oauth.open_pending(
        request.app.state.secret_key, request.cookies.get(oauth.PENDING_COOKIE_NAME)
    )


def clear_pending_cookie(request: Request, response: Response) -> None:
    response.delete_cookie(
        oauth.PENDING_COOKIE_NAME, path="/", httponly=True, samesite="lax", secure=_secure(request)
    )


async def refresh_after_response(
    request: Request, response: Response, service: GithubService, user: User
) -> None:
    """When the user's GitHub data is stale, refresh it once this page has been sent."""
    if await service.needs_refresh(user):
        response.background = BackgroundTask(_refresh, request.app, user.id)


async def _refresh(app: FastAPI, user_id: int) -> None:
    # Its own session: the request's was committed and closed with the response.
    async with app.state.sessionmaker() as session:
        service = GithubService(session, app.state.github_settings, app.state.secret_key)
        await service.refresh_for(user_id)
        await session.commit()

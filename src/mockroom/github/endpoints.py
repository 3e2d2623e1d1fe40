"""The GitHub JSON API under /api/v1/github: the link, its data, syncing and unlinking.

Signing in with GitHub needs a browser (see /auth/github/start); the API links a public
username instead.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from mockroom.audit.deps import RequestOrigin
from mockroom.auth.deps import CurrentUser
from mockroom.github.deps import Github
from mockroom.github.schemas import GithubStatus, UsernameLink
from mockroom.web.openapi import ERROR_RESPONSES, ErrorBody

GITHUB_ERRORS: dict[int | str, dict[str, Any]] = {
    **ERROR_RESPONSES,
    409: {"model": ErrorBody, "description": "GitHub access was revoked, or the link conflicts"},
    429: {"model": ErrorBody, "description": "GitHub's rate limit is reached; `detail` says until"},
    502: {"model": ErrorBody, "description": "GitHub could not be reached or refused"},
}

router = APIRouter(prefix="/github", tags=["github"], responses=GITHUB_ERRORS)


@router.get("", summary="My GitHub link, profile and analysis")
async def read_github(user: CurrentUser, service: Github) -> GithubStatus:
    return await service.status(user)


@router.put("/username", summary="Link a public GitHub username and sync it")
async def link_username(
    data: UsernameLink, user: CurrentUser, service: Github, origin: RequestOrigin
) -> GithubStatus:
    # A failed first sync leaves the link in place; the status carries the reason.
    await service.link_username(user, data.username, origin)
    return await service.status(user)


@router.post(
    "/sync",
    response_model=GithubStatus,
    summary="Fetch my GitHub profile and repositories again now",
)
async def sync(user: CurrentUser, service: Github) -> GithubStatus | JSONResponse:
    failure = await service.sync(user)
    if failure is not None:
        # Returned rather than raised, so the request still commits what the failure
        # taught us (a rate-limit reset, a revoked token).
        return JSONResponse(
            {"error": failure.message, "detail": failure.detail}, status_code=failure.status
        )
    return await service.status(user)


@router.delete("", summary="Unlink GitHub and withdraw mockroom's access")
async def unlink(user: CurrentUser, service: Github) -> GithubStatus:
    await service.unlink(user)
    return await service.status(user)

"""The app's rate limits as dependencies; AI-heavy routes spend from the user's allowance."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.params import Depends as Dependency

from mockroom.auth.deps import CurrentUser, PageUser
from mockroom.security.limits import AiTask, RateLimits


def rate_limits(request: Request) -> RateLimits:
    limits: RateLimits = request.app.state.rate_limits
    return limits


Limits = Annotated[RateLimits, Depends(rate_limits)]


def api_allowance(task: AiTask) -> Dependency:
    """A route dependency: one unit of ``task`` for the API caller, or 429."""

    async def spend(user: CurrentUser, limits: Limits) -> None:
        await limits.spend(task, user.id)

    return Dependency(spend)


def page_allowance(task: AiTask) -> Dependency:
    """The same for a signed-in page; the refusal is an error page."""

    async def spend(user: PageUser, limits: Limits) -> None:
        await limits.spend(task, user.id)

    return Dependency(spend)

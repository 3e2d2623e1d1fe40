"""The account service for the acting user, and the browser session a page request came in on."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from mockroom.account.service import AccountService
from mockroom.audit.deps import RequestOrigin
from mockroom.auth.deps import CurrentUser, LoginRequired, PageUser, page_session
from mockroom.db.session import DbSession
from mockroom.models import AuthSession, User
from mockroom.security.deps import Limits


def api_service(
    session: DbSession, user: CurrentUser, origin: RequestOrigin, limits: Limits
) -> AccountService:
    return AccountService(session, user, origin, limits)


def page_service(
    session: DbSession, user: PageUser, origin: RequestOrigin, limits: Limits
) -> AccountService:
    return AccountService(session, user, origin, limits)


async def browser_session(
    found: Annotated[tuple[User, AuthSession] | None, Depends(page_session)],
) -> AuthSession:
    if found is None:
        raise LoginRequired()
    return found[1]


ApiAccount = Annotated[AccountService, Depends(api_service)]
PageAccount = Annotated[AccountService, Depends(page_service)]
CurrentBrowserSession = Annotated[AuthSession, Depends(browser_session)]

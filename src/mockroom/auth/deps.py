"""Who is asking: a Bearer token on the API, the session cookie on pages; CSRF on page forms."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from mockroom.auth import tokens
from mockroom.auth.service import AuthService
from mockroom.db.session import DbSession
from mockroom.errors import CsrfFailed, NotAuthenticated
from mockroom.models import AuthSession, User

SESSION_COOKIE = "mockroom_session"
ANONYMOUS_CSRF_COOKIE = "mockroom_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"

_bearer = HTTPBearer(auto_error=False, description="A personal API token.")


async def api_user(
    session: DbSession,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> User:
    if credentials is None:
        raise NotAuthenticated("Send a personal API token as `Authorization: Bearer <token>`.")
    return await AuthService(session).user_for_api_token(credentials.credentials)


CurrentUser = Annotated[User, Depends(api_user)]


async def page_session(request: Request, session: DbSession) -> tuple[User, AuthSession] | None:
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    found = await AuthService(session).resume_session(token)
    if found is not None:
        request.state.csrf_token = found[1].csrf_token
    return found


async def optional_page_user(
    found: Annotated[tuple[User, AuthSession] | None, Depends(page_session)],
) -> User | None:
    return found[0] if found else None


class LoginRequired(NotAuthenticated):
    """Raised on pages; the error handler turns it into a redirect to /login."""


async def page_user(user: Annotated[User | None, Depends(optional_page_user)]) -> User:
    if user is None:
        raise LoginRequired()
    return user


OptionalPageUser = Annotated[User | None, Depends(optional_page_user)]
PageUser = Annotated[User, Depends(page_user)]


def anonymous_csrf_token(request: Request) -> str:
    """The token for forms shown before sign-in: an HMAC of a random cookie value."""
    seed = request.cookies.get(ANONYMOUS_CSRF_COOKIE) or getattr(request.state, "csrf_seed", "")
    if not seed:
        seed = tokens.new_token()
        request.state.csrf_seed = seed
    return tokens.sign(request.app.state.secret_key, seed)


def csrf_token_for(request: Request) -> str:
    return getattr(request.state, "csrf_token", None) or anonymous_csrf_token(request)


async def verify_csrf(
    request: Request, found: Annotated[tuple[User, AuthSession] | None, Depends(page_session)]
) -> None:
    form = await request.form()
    sent = request.headers.get(CSRF_HEADER) or str(form.get(CSRF_FIELD, ""))
    if found is not None:
        expected = found[1].csrf_token
    else:
        seed = request.cookies.get(ANONYMOUS_CSRF_COOKIE, "")
        expected = tokens.sign(request.app.state.secret_key, seed) if seed else ""
    if not sent or not expected or not tokens.same(sent, expected):
        raise CsrfFailed()


CsrfChecked = Depends(verify_csrf)

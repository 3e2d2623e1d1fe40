"""Sign-up, sign-in and sign-out pages; a browser session is a cookie over a row in the database."""

from __future__ import annotations

from typing import Annotated, Literal
from urllib.parse import urlsplit

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from mockroom.audit.deps import RequestOrigin
from mockroom.auth.deps import SESSION_COOKIE, CsrfChecked, LoginRequired, OptionalPageUser
from mockroom.auth.passwords import PASSWORD_RULES
from mockroom.auth.schemas import Credentials, Registration
from mockroom.auth.service import AuthService, InvalidCredentials
from mockroom.config import Settings
from mockroom.db.session import DbSession
from mockroom.errors import Conflict
from mockroom.github import oauth as github_oauth
from mockroom.github.deps import (
    Github,
    callback_uri,
    clear_pending_cookie,
    clear_state_cookie,
    github_settings_of,
    pending_link,
    set_pending_cookie,
    set_state_cookie,
)
from mockroom.models import User
from mockroom.security.deps import Limits
from mockroom.security.ratelimit import TooManyRequests
from mockroom.security.responses import with_retry_after
from mockroom.web.templating import render
from mockroom.web.views import FORM_FIELD, field_errors, form_fields, see_other

router = APIRouter(include_in_schema=False)

HOME = "/dashboard"
PASSWORD_HINTS = [rule for _, rule in PASSWORD_RULES]


def safe_next(target: str | None) -> str:
    """Where to go after sign-in: only a path on this site, so the link cannot send users away."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return HOME
    if any(character < " " or character == "\\" for character in target):
        return HOME
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return HOME
    return target


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def _signed_in_redirect(
    request: Request, session: DbSession, user: User, target: str
) -> RedirectResponse:
    settings = _settings(request)
    service = AuthService(session, settings.session_days)
    signed_in = await service.start_session(
        user,
        user_agent=request.headers.get("user-agent", ""),
        ip_address=request.client.host if request.client else "",
    )
    response = see_other(target)
    response.set_cookie(
        SESSION_COOKIE,
        signed_in.token,
        max_age=settings.session_days * 24 * 60 * 60,
        path="/",
        httponly=True,
        samesite="lax",
        secure=settings.is_production,
    )
    return response


def _register_page(
    request: Request,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    # The passwords are never sent back into the form.
    kept = {key: value for key, value in (values or {}).items() if "password" not in key}
    context = {
        "values": kept,
        "errors": errors or {},
        "password_hints": PASSWORD_HINTS,
        "github_sign_in": github_settings_of(request).oauth_enabled,
    }
    return render(request, "auth/register.html", context, status_code=status_code)


def _login_page(
    request: Request,
    target: str,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    kept = {key: value for key, value in (values or {}).items() if key == "email"}
    context = {
        "values": kept,
        "errors": errors or {},
        "next": target,
        "github_sign_in": github_settings_of(request).oauth_enabled,
        # A GitHub sign-in that found this email's account waits for its password.
        "github_pending": pending_link(request),
    }
    return render(request, "auth/login.html", context, status_code=status_code)


@router.get("/register", response_class=HTMLResponse)
async def register_form(request: Request, user: OptionalPageUser) -> Response:
    if user is not None:
        return see_other(HOME)
    return _register_page(request)


@router.post("/register", response_class=HTMLResponse, dependencies=[CsrfChecked])
async def register(
    request: Request, session: DbSession, origin: RequestOrigin, limits: Limits
) -> Response:
    values = await form_fields(request)
    try:
        registration = Registration.model_validate(values)
    except ValidationError as error:
        return _register_page(request, values, field_errors(error), status_code=422)
    try:
        user = await AuthService(session).register(registration, origin, limits)
    except Conflict as error:
        return _register_page(request, values, {"email": error.message}, status_code=409)
    except TooManyRequests as error:
        page = _register_page(request, values, {FORM_FIELD: error.message}, error.status)
        return with_retry_after(page, error)
    return await _signed_in_redirect(request, session, user, HOME)


@router.get("/login", response_class=HTMLResponse)
async def login_form(
    request: Request,
    user: OptionalPageUser,
    next_path: Annotated[str | None, Query(alias="next", max_length=2000)] = None,
) -> Response:
    if user is not None:
        return see_other(safe_next(next_path))
    return _login_page(request, safe_next(next_path))


@router.post("/login", response_class=HTMLResponse, dependencies=[CsrfChecked])
async def login(
    request: Request, session: DbSession, origin: RequestOrigin, limits: Limits, github: Github
) -> Response:
    values = await form_fields(request)
    target = safe_next(values.get("next"))
    try:
        credentials = Credentials.model_validate(values)
    except ValidationError as error:
        return _login_page(request, target, values, field_errors(error), status_code=422)
    try:
        user = await AuthService(session).authenticate(credentials, origin, limits)
    except (InvalidCredentials, TooManyRequests) as error:
        errors = {FORM_FIELD: error.message}
        page = _login_page(request, target, values, errors, status_code=error.status)
        return with_retry_after(page, error)
    # The password is proven: a GitHub sign-in waiting for this account can now be linked.
    pending = pending_link(request)
    if pending is not None and await github.complete_pending(user, pending, origin):
        target = "/settings?done=github-linked#github"
    response = await _signed_in_redirect(request, session, user, target)
    if pending is not None:
        clear_pending_cookie(request, response)
    return response


@router.get("/auth/github/start")
async def github_start(
    request: Request,
    user: OptionalPageUser,
    intent: Annotated[Literal["signin", "link"], Query()] = "signin",
    next_path: Annotated[str | None, Query(alias="next", max_length=2000)] = None,
) -> Response:
    """Send the browser to GitHub: to sign in, or (signed in) to link GitHub to this account."""
    if intent == "link" and user is None:
        raise LoginRequired()
    if intent == "signin" and user is not None:
        return see_other(safe_next(next_path))
    url, sealed_state = await github_oauth.begin(
        github_settings_of(request),
        request.app.state.secret_key,
        redirect_uri=callback_uri(request),
        intent=intent,
        user_id=user.id if user is not None else None,
        next_path=safe_next(next_path) if intent == "signin" else "/settings",
    )
    response = see_other(url)
    set_state_cookie(request, response, sealed_state)
    return response


@router.get("/auth/github/callback", name="github_callback")
async def github_callback(
    request: Request,
    session: DbSession,
    user: OptionalPageUser,
    github: Github,
    origin: RequestOrigin,
    code: Annotated[str | None, Query(max_length=512)] = None,
    state: Annotated[str | None, Query(max_length=512)] = None,
    error: Annotated[str | None, Query(max_length=200)] = None,
) -> Response:
    """GitHub sends the browser back here: sign in, create the account, or link it."""
    if not github_settings_of(request).oauth_enabled:
        raise github_oauth.OAuthUnavailable()
    flow = github_oauth.resume(
        request.app.state.secret_key, request.cookies.get(github_oauth.STATE_COOKIE_NAME), state
    )
    if error or not code:
        raise github_oauth.OAuthFailed("GitHub did not authorise mockroom, so nothing changed.")
    grant = await github_oauth.exchange(github_settings_of(request), flow, code)
    identity = await github.identify(grant)
    if flow.intent == "link":
        if user is None or user.id != flow.user_id:
            raise github_oauth.OAuthFailed("Sign in again, then link GitHub from Settings.")
        await github.link_oauth(user, identity.profile, grant, origin)
        await github.sync(user)
        response = see_other("/settings?done=github-linked#github")
    else:
        outcome = await github.sign_in(identity, grant, origin)
        if isinstance(outcome, github_oauth.PendingLink):
            response = see_other("/login")
            set_pending_cookie(request, response, outcome)
        else:
            response = await _signed_in_redirect(request, session, outcome, flow.next_path)
    clear_state_cookie(request, response)
    return response


@router.post("/logout", dependencies=[CsrfChecked])
async def logout(request: Request, session: DbSession) -> Response:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        await AuthService(session).end_session(token)
    return clear_session_cookie(request, see_other("/"))


def clear_session_cookie(request: Request, response: Response) -> Response:
    """Tell the browser to forget its session (the row is gone already)."""
    response.delete_cookie(
        SESSION_COOKIE,
        path="/",
        httponly=True,
        samesite="lax",
        secure=_settings(request).is_production,
    )
    return response

"""The settings page: your profile, a password for accounts made with GitHub, the GitHub link."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from mockroom.auth.deps import CsrfChecked, PageUser
from mockroom.auth.passwords import PASSWORD_RULES, hash_password
from mockroom.auth.schemas import PasswordChoice
from mockroom.errors import Conflict
from mockroom.github.deps import Github, refresh_after_response
from mockroom.github.service import GithubService
from mockroom.models import User
from mockroom.users.schemas import UserUpdate
from mockroom.users.service import UserService
from mockroom.web.templating import render
from mockroom.web.views import field_errors, form_fields, see_other

router = APIRouter(prefix="/settings", include_in_schema=False)

PROFILE_FIELDS = ("display_name", "experience_level", "preferred_languages")
LEVELS = (("junior", "Junior"), ("mid", "Mid-level"), ("senior", "Senior"))
# What a redirect back to this page reports; only these fixed texts can be shown.
NOTICES = {
    "profile-saved": "Your profile is saved.",
    "password-set": "Your password is set. You can now sign in with your email and password.",
    "github-linked": "GitHub is linked.",
    "github-synced": "Your GitHub data is up to date.",
    "github-unlinked": "GitHub is unlinked and its data removed from mockroom.",
}


def _profile_values(user: User) -> dict[str, str]:
    return {
        "display_name": user.display_name,
        "experience_level": user.experience_level,
        "preferred_languages": ", ".join(user.preferred_languages or []),
    }


async def settings_page(
    request: Request,
    user: User,
    github: GithubService,
    *,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    notice: str | None = None,
    github_error: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    context = {
        "user": user,
        "values": values or _profile_values(user),
        "errors": errors or {},
        "notice": notice,
        "github": await github.status(user),
        "github_error": github_error,
        "has_password": user.password_hash is not None,
        "levels": LEVELS,
        "password_hints": [rule for _, rule in PASSWORD_RULES],
    }
    return render(request, "users/settings.html", context, status_code=status_code)


@router.get("", response_class=HTMLResponse)
async def settings(
    request: Request,
    user: PageUser,
    github: Github,
    done: Annotated[str | None, Query(max_length=40)] = None,
) -> HTMLResponse:
    response = await settings_page(request, user, github, notice=NOTICES.get(done or ""))
    await refresh_after_response(request, response, github, user)
    return response


@router.post("/profile", response_class=HTMLResponse, dependencies=[CsrfChecked])
async def save_profile(request: Request, user: PageUser, github: Github) -> Response:
    submitted = await form_fields(request)
    values = {name: submitted.get(name, "").strip() for name in PROFILE_FIELDS}
    data = {
        "display_name": values["display_name"],
        "experience_level": values["experience_level"],
        "preferred_languages": values["preferred_languages"].split(","),
    }
    try:
        update = UserUpdate.model_validate(data)
    except ValidationError as error:
        return await settings_page(
            request, user, github, values=values, errors=field_errors(error), status_code=422
        )
    UserService(user).update(update)
    return see_other("/settings?done=profile-saved")


@router.post("/password", response_class=HTMLResponse, dependencies=[CsrfChecked])
async def choose_password(request: Request, user: PageUser, github: Github) -> Response:
    """A first password for an account made by signing in with GitHub."""
    if user.password_hash is not None:
        raise Conflict("Your account already has a password.")
    try:
        choice = PasswordChoice.model_validate(await form_fields(request))
    except ValidationError as error:
        return await settings_page(
            request, user, github, errors=field_errors(error), status_code=422
        )
    user.password_hash = hash_password(choice.password)
    return see_other("/settings?done=password-set")

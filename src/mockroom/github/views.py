"""The GitHub actions on the settings page: link a public username, sync now, unlink.

Linking by OAuth starts at /auth/github/start?intent=link (see auth/views.py).
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from mockroom.audit.deps import RequestOrigin
from mockroom.auth.deps import CsrfChecked, PageUser
from mockroom.errors import AppError
from mockroom.github.deps import Github
from mockroom.github.schemas import UsernameLink
from mockroom.users.views import settings_page
from mockroom.web.views import field_errors, form_fields, see_other

router = APIRouter(prefix="/settings/github", include_in_schema=False)

USERNAME_FIELD = "github_username"


@router.post("/username", response_class=HTMLResponse, dependencies=[CsrfChecked])
async def link_username(
    request: Request, user: PageUser, github: Github, origin: RequestOrigin
) -> Response:
    username = (await form_fields(request)).get(USERNAME_FIELD, "")
    try:
        data = UsernameLink.model_validate({"username": username})
        # A first sync that fails keeps the link; the page shows why on the next view.
        await github.link_username(user, data.username, origin)
    except ValidationError as error:
        message = field_errors(error).get("username", "Enter a GitHub username.")
        return await settings_page(
            request, user, github, errors={USERNAME_FIELD: message}, status_code=422
        )
    except AppError as error:
        return await settings_page(
            request, user, github, errors={USERNAME_FIELD: error.message}, status_code=error.status
        )
    return see_other("/settings?done=github-linked#github")


@router.post("/sync", response_class=HTMLResponse, dependencies=[CsrfChecked])
async def sync_now(request: Request, user: PageUser, github: Github) -> Response:
    failure = await github.sync(user)
    if failure is not None:
        return await settings_page(
            request, user, github, github_error=failure.message, status_code=failure.status
        )
    return see_other("/settings?done=github-synced#github")


@router.post("/unlink", response_class=HTMLResponse, dependencies=[CsrfChecked])
async def unlink(request: Request, user: PageUser, github: Github) -> Response:
    try:
        await github.unlink(user)
    except AppError as error:
        return await settings_page(
            request, user, github, github_error=error.message, status_code=error.status
        )
    return see_other("/settings?done=github-unlinked#github")

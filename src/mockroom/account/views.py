"""The account pages: password, signed-in browsers, API tokens, security log, export, deletion."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from mockroom.account.deps import CurrentBrowserSession, PageAccount
from mockroom.account.schemas import AccountDeletion, PasswordChange
from mockroom.account.service import AccountService
from mockroom.auth.deps import CsrfChecked, OptionalPageUser
from mockroom.auth.passwords import PASSWORD_RULES
from mockroom.auth.views import clear_session_cookie
from mockroom.errors import AppError, ValidationFailed
from mockroom.models import AuthSession
from mockroom.security.ratelimit import TooManyRequests, wait_text
from mockroom.security.responses import with_retry_after
from mockroom.web.openapi import BeforeRowId, RowId
from mockroom.web.templating import render
from mockroom.web.views import FORM_FIELD, field_errors, form_fields, see_other

router = APIRouter(prefix="/account", include_in_schema=False)

RECENT_EVENTS = 5
LOG_PAGE_SIZE = 25
PASSWORD_HINTS = [rule for _, rule in PASSWORD_RULES]
# Which notice a page shows after a change; the query names one, it never carries the text.
NOTICES = {
    "password": "Your password was changed, and every other browser was signed out.",
    "session": "That browser was signed out.",
    "token": "The API token was revoked. Requests that use it are now refused.",
}


async def _account_page(
    request: Request,
    service: AccountService,
    current: AuthSession,
    *,
    notice: str | None = None,
    password_errors: dict[str, str] | None = None,
    delete_errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    context = {
        "user": service.user,
        "current_session_id": current.id,
        "sessions": await service.sessions(),
        "tokens": await service.api_tokens(),
        "events": await service.events(before_id=None, limit=RECENT_EVENTS),
        "ai_usage": await service.ai_usage.report(),
        "notice": notice,
        "password_errors": password_errors or {},
        "delete_errors": delete_errors or {},
        "password_hints": PASSWORD_HINTS,
        "wait_text": wait_text,
    }
    return render(request, "account/account.html", context, status_code=status_code)


def _refused_fields(error: AppError) -> dict[str, str]:
    """A service refusal as form errors: by field when it names them, else for the form."""
    if isinstance(error, ValidationFailed) and isinstance(error.detail, list):
        return {item["field"]: item["message"] for item in error.detail}
    return {FORM_FIELD: error.message}


@router.get("", response_class=HTMLResponse)
async def account(
    request: Request,
    service: PageAccount,
    current: CurrentBrowserSession,
    done: Annotated[str | None, Query(max_length=20)] = None,
) -> HTMLResponse:
    return await _account_page(request, service, current, notice=NOTICES.get(done or ""))


@router.post("/password", dependencies=[CsrfChecked])
async def change_password(
    request: Request, service: PageAccount, current: CurrentBrowserSession
) -> Response:
    fields = await form_fields(request)
    try:
        change = PasswordChange.model_validate(fields)
        await service.change_password(change, keep_session_id=current.id)
    except ValidationError as error:
        errors = field_errors(error)
        return await _account_page(
            request, service, current, password_errors=errors, status_code=422
        )
    except (ValidationFailed, TooManyRequests) as error:
        page = await _account_page(
            request,
            service,
            current,
            password_errors=_refused_fields(error),
            status_code=error.status,
        )
        return with_retry_after(page, error)
    return see_other("/account?done=password")


@router.post("/sessions/{session_id}/revoke", dependencies=[CsrfChecked])
async def revoke_session(
    request: Request, session_id: RowId, service: PageAccount, current: CurrentBrowserSession
) -> Response:
    await service.revoke_session(session_id)
    if session_id == current.id:
        return clear_session_cookie(request, see_other("/login"))
    return see_other("/account?done=session")


@router.post("/tokens/{token_id}/revoke", dependencies=[CsrfChecked])
async def revoke_token(token_id: RowId, service: PageAccount) -> Response:
    await service.revoke_api_token(token_id)
    return see_other("/account?done=token")


@router.post("/export", dependencies=[CsrfChecked])
async def export(service: PageAccount) -> Response:
    exported = await service.export()
    filename = f"mockroom-export-{exported.exported_at:%Y-%m-%d}.json"
    return Response(
        exported.model_dump_json(indent=2),
        media_type="application/json",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@router.post("/delete", dependencies=[CsrfChecked])
async def delete_account(
    request: Request, service: PageAccount, current: CurrentBrowserSession
) -> Response:
    fields = await form_fields(request)
    try:
        await service.delete(AccountDeletion.model_validate(fields).password)
    except ValidationError as error:
        errors = field_errors(error)
        return await _account_page(request, service, current, delete_errors=errors, status_code=422)
    except (ValidationFailed, TooManyRequests) as error:
        page = await _account_page(
            request,
            service,
            current,
            delete_errors=_refused_fields(error),
            status_code=error.status,
        )
        return with_retry_after(page, error)
    return clear_session_cookie(request, see_other("/account/deleted"))


@router.get("/deleted", response_class=HTMLResponse)
async def deleted(request: Request, user: OptionalPageUser) -> HTMLResponse:
    return render(request, "account/deleted.html", {"user": user})


@router.get("/security-log", response_class=HTMLResponse)
async def security_log(
    request: Request,
    service: PageAccount,
    before: BeforeRowId = None,
) -> HTMLResponse:
    rows = await service.events(before_id=before, limit=LOG_PAGE_SIZE + 1)
    context: dict[str, Any] = {
        "user": service.user,
        "events": rows[:LOG_PAGE_SIZE],
        "older": rows[LOG_PAGE_SIZE - 1].id if len(rows) > LOG_PAGE_SIZE else None,
        "paged": before is not None,
        "wait_text": wait_text,
    }
    return render(request, "account/security_log.html", context)

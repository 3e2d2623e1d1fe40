"""The account API under /api/v1/account: password, browser sessions, export, deletion.

API tokens are listed and revoked under /api/v1/auth/tokens; the security log is at
/api/v1/audit-events.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from mockroom.account import schemas
from mockroom.account.deps import ApiAccount
from mockroom.security.responses import RATE_LIMITED
from mockroom.web.openapi import ERROR_RESPONSES, RowId

router = APIRouter(prefix="/account", tags=["account"], responses=ERROR_RESPONSES)


@router.get("/sessions", summary="Browsers signed in to my account")
async def list_sessions(
    service: ApiAccount,
    limit: Annotated[
        int, Query(ge=1, le=100, description="How many, most recently active first.")
    ] = 100,
) -> list[schemas.BrowserSession]:
    rows = await service.sessions(limit)
    return [schemas.BrowserSession.model_validate(row) for row in rows]


@router.delete("/sessions/{session_id}", summary="Sign a browser out")
async def revoke_session(session_id: RowId, service: ApiAccount) -> schemas.BrowserSession:
    return schemas.BrowserSession.model_validate(await service.revoke_session(session_id))


@router.post(
    "/password",
    summary="Change my password; every browser is signed out",
    responses=RATE_LIMITED,
)
async def change_password(
    data: schemas.PasswordChange, service: ApiAccount
) -> schemas.PasswordChanged:
    ended = await service.change_password(data, keep_session_id=None)
    return schemas.PasswordChanged(sessions_ended=ended)


@router.get("/export", summary="Everything stored about me, as JSON")
async def export(service: ApiAccount) -> schemas.AccountExport:
    return await service.export()


@router.post(
    "/delete",
    status_code=204,
    summary="Delete my account and everything in it; confirm with my password",
    responses=RATE_LIMITED,
)
async def delete_account(data: schemas.AccountDeletion, service: ApiAccount) -> Response:
    await service.delete(data.password)
    return Response(status_code=204)

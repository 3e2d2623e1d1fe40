"""The security log API: a user reads their own events, newest first."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from mockroom.audit import schemas
from mockroom.audit.service import AuditLog
from mockroom.auth.deps import CurrentUser
from mockroom.db.session import DbSession
from mockroom.interviews.endpoints import decode_cursor, encode_cursor
from mockroom.interviews.schemas import Page
from mockroom.web.openapi import ERROR_RESPONSES

router = APIRouter(prefix="/audit-events", tags=["account"], responses=ERROR_RESPONSES)


@router.get("", summary="My security log: sign-ins, password and token changes, newest first")
async def list_events(
    user: CurrentUser,
    session: DbSession,
    cursor: Annotated[str | None, Query(max_length=100)] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
) -> Page[schemas.AuditEvent]:
    rows = await AuditLog(session).page(user.id, before_id=decode_cursor(cursor), limit=limit + 1)
    items = [schemas.AuditEvent.model_validate(row) for row in rows[:limit]]
    next_cursor = encode_cursor(rows[limit - 1].id) if len(rows) > limit else None
    return Page[schemas.AuditEvent](items=items, next_cursor=next_cursor)

"""The audit log: security events written beside the change they describe, read by their owner.

An event is written in the request's own transaction, so it is committed exactly when the change
it records is. Callers that refuse a request after recording an event (a failed sign-in) answer
rather than raise, so the transaction still commits (see auth/endpoints.py).

Some events belong to an account nobody is acting as yet (a failed sign-in) or any more (a
deleted account), so on PostgreSQL the event is added with every row in reach. The table is
append-only for the app's role, so that reach lets it add an event and nothing more.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from mockroom.audit.repository import AuditRepository
from mockroom.audit.schemas import AuditEventType, DetailValue, Origin
from mockroom.db.base import utcnow
from mockroom.db.row_security import every_row
from mockroom.models import AuditEvent


class AuditLog:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.repository = AuditRepository(session)

    async def record(
        self,
        event: AuditEventType,
        origin: Origin,
        user_id: int | None,
        **detail: DetailValue,
    ) -> AuditEvent:
        row = AuditEvent(
            user_id=user_id,
            event=event.value,
            ip_address=origin.ip_address[:64],
            user_agent=origin.user_agent[:300],
            detail=detail,
            created_at=utcnow(),
        )
        # Pending changes are written first, under the actor's own rights, not every row's.
        await self.session.flush()
        async with every_row(self.session):
            await self.repository.add(row)
        return row

    async def github_linked(self, user_id: int, origin: Origin, github_login: str) -> AuditEvent:
        """For the GitHub domain: call after a link (OAuth or a typed username) is stored."""
        return await self.record(
            AuditEventType.GITHUB_LINKED, origin, user_id, github_login=github_login
        )

    async def page(self, user_id: int, *, before_id: int | None, limit: int) -> list[AuditEvent]:
        return await self.repository.page_of(user_id, before_id=before_id, limit=limit)

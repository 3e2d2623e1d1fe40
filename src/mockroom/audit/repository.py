"""Every query the audit log needs."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from mockroom.db.row_security import every_row
from mockroom.models import AuditEvent


class AuditRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, row: AuditEvent) -> None:
        # An event concerns an account that is not always the one acting (a failed sign-in, a
        # deleted account), so the app writes it for no one user (db/row_security.py). What
        # the actor changed before is flushed first, under the actor's own rules.
        await self.session.flush()
        async with every_row(self.session):
            self.session.add(row)
            await self.session.flush()

    async def page_of(self, user_id: int, *, before_id: int | None, limit: int) -> list[AuditEvent]:
        query = select(AuditEvent).where(AuditEvent.user_id == user_id)
        if before_id is not None:
            query = query.where(AuditEvent.id < before_id)
        result = await self.session.scalars(query.order_by(AuditEvent.id.desc()).limit(limit))
        return list(result)

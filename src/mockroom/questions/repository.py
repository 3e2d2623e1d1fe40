"""Queries on the question bank table."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from mockroom.models import BankQuestion


class QuestionRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def by_slug(self) -> dict[str, BankQuestion]:
        rows = await self.session.scalars(select(BankQuestion))
        return {row.slug: row for row in rows}

    async def add(self, row: BankQuestion) -> None:
        self.session.add(row)

"""Loading the bank is idempotent and updates rows in place."""

from __future__ import annotations

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from mockroom.models import BankQuestion
from mockroom.questions.bank import load_bank
from mockroom.questions.service import seed_bank


async def test_seeding_again_changes_nothing(session: AsyncSession) -> None:
    result = await seed_bank(session)
    assert result.added == 0 and result.updated == 0
    assert result.unchanged == len(load_bank())
    assert await session.scalar(select(func.count()).select_from(BankQuestion)) == len(load_bank())


async def test_seeding_restores_an_edited_row(session: AsyncSession) -> None:
    slug = load_bank()[0].slug
    await session.execute(
        update(BankQuestion).where(BankQuestion.slug == slug).values(prompt="edited by hand")
    )
    result = await seed_bank(session)
    assert result.updated == 1
    row = await session.scalar(select(BankQuestion).where(BankQuestion.slug == slug))
    assert row is not None and row.prompt == load_bank()[0].prompt

"""Loading the curated bank into the database: idempotent, updates in place by slug."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from mockroom.db.base import utcnow
from mockroom.models import BankQuestion
from mockroom.questions.bank import load_bank
from mockroom.questions.repository import QuestionRepository


@dataclass(frozen=True)
class SeedResult:
    added: int
    updated: int
    unchanged: int


async def seed_bank(session: AsyncSession) -> SeedResult:
    repository = QuestionRepository(session)
    existing = await repository.by_slug()
    added = updated = unchanged = 0
    now = utcnow()
    for question in load_bank():
        assert question.slug is not None
        values = {
            "question_type": question.question_type,
            "area": question.area,
            "difficulty": question.difficulty,
            "prompt": question.prompt,
            "reference_answer": question.reference_answer,
            "key_points": question.key_points,
            "follow_ups": question.follow_ups,
            "misconceptions": [item.model_dump() for item in question.misconceptions],
            "tags": question.tags,
        }
        row = existing.get(question.slug)
        if row is None:
            await repository.add(
                BankQuestion(slug=question.slug, created_at=now, updated_at=now, **values)
            )
            added += 1
        elif any(getattr(row, key) != value for key, value in values.items()):
            for key, value in values.items():
                setattr(row, key, value)
            row.updated_at = now
            updated += 1
        else:
            unchanged += 1
    await session.flush()
    return SeedResult(added=added, updated=updated, unchanged=unchanged)

"""The migrated schema enforces its rules on every backend."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from mockroom.db.base import Base, utcnow
from mockroom.models import Interview, User
from tests.conftest import Database


async def test_migrations_create_every_model_table(database: Database) -> None:
    async with database.engine.connect() as connection:
        tables = await connection.run_sync(lambda sync: set(inspect(sync).get_table_names()))
    assert set(Base.metadata.tables) <= tables
    assert "alembic_version" in tables


async def test_question_bank_is_seeded(session: AsyncSession) -> None:
    count = await session.scalar(text("SELECT COUNT(*) FROM question_bank"))
    assert count is not None and count >= 60


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("status", "exploded"),
        ("question_count", 0),
        ("duration_minutes", 500),
        ("difficulty", "brutal"),
        ("performance_score", 101.0),
    ],
)
async def test_interview_check_constraints(
    session: AsyncSession, column: str, value: object
) -> None:
    now = utcnow()
    user = User(email="c@example.com", display_name="C", preferred_languages=[])
    session.add(user)
    await session.flush()
    values: dict[str, object] = {
        "user_id": user.id,
        "title": "t",
        "interview_type": "technical",
        "difficulty": "easy",
        "question_count": 5,
        "duration_minutes": 30,
        "focus_topics": [],
        "created_at": now,
        "updated_at": now,
        column: value,
    }
    session.add(Interview(**values))
    with pytest.raises(IntegrityError):
        await session.flush()

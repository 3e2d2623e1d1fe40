"""A user with a row in every table that can hold one, for the export and deletion tests."""

from __future__ import annotations

import httpx
from sqlalchemy import select

from mockroom.db.base import Base, utcnow
from mockroom.db.engine import make_sessionmaker
from mockroom.models import GithubAccount, User
from tests.conftest import STRONG_PASSWORD, Database

# Tables that hold no one's rows; every other table must be exported and emptied on deletion.
SHARED_TABLES = {"question_bank"}
SEALED_GITHUB_TOKEN = "sealed-oauth-token-of-the-test"


async def user_id_of(database: Database, email: str) -> int:
    async with database.engine.connect() as connection:
        found = await connection.scalar(select(User.id).where(User.email == email))
    assert found is not None
    return int(found)


async def sign_in_browser(client: httpx.AsyncClient, email: str) -> None:
    """A page sign-in, which leaves a browser session row behind."""
    form = await client.get("/login")
    token = form.text.split('name="csrf_token" value="')[1].split('"')[0]
    response = await client.post(
        "/login", data={"email": email, "password": STRONG_PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 303, response.text


async def fill_every_table(
    client: httpx.AsyncClient, headers: dict[str, str], database: Database, email: str
) -> int:
    """An interview answered and completed, a study plan, a browser session, a GitHub link."""
    created = await client.post(
        "/api/v1/interviews",
        json={"title": f"Everything of {email}", "question_count": 1, "follow_ups": False},
        headers=headers,
    )
    assert created.status_code == 201, created.text
    interview_id = created.json()["id"]
    await client.post(f"/api/v1/interviews/{interview_id}/start", headers=headers)
    answered = await client.post(
        f"/api/v1/interviews/{interview_id}/answers",
        json={"answer": "Tuples are immutable, so they can be dictionary keys; lists cannot."},
        headers=headers,
    )
    assert answered.status_code == 200, answered.text
    assert answered.json()["interview"]["status"] == "completed"
    assert (await client.post("/api/v1/study-plan", headers=headers)).status_code == 201
    user_id = await user_id_of(database, email)
    async with make_sessionmaker(database.engine)() as session:
        session.add(
            GithubAccount(
                user_id=user_id,
                github_id=1000 + user_id,
                login=f"octo{user_id}",
                linked_via="oauth",
                access_token=SEALED_GITHUB_TOKEN,
                scopes="read:user",
                http_cache={},
                linked_at=utcnow(),
            )
        )
        await session.commit()
    return user_id


def user_tables() -> set[str]:
    return set(Base.metadata.tables) - SHARED_TABLES

"""Shared fixtures: a real database per backend, the app over real ASGI HTTP, signed-up users.

Every test that takes ``client`` (or ``database``) runs on SQLite, and again on PostgreSQL when
MOCKROOM_TEST_POSTGRES_URL is set (CI always sets it). Each backend gets its own database,
migrated and seeded once per run; user rows are deleted after every test.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from mockroom.app import create_app
from mockroom.config import Settings
from mockroom.db import migrate
from mockroom.db.engine import make_engine, make_sessionmaker
from mockroom.questions.service import seed_bank

POSTGRES_URL = os.environ.get("MOCKROOM_TEST_POSTGRES_URL", "")
BACKENDS = ["sqlite", "postgresql"] if POSTGRES_URL else ["sqlite"]
STRONG_PASSWORD = "Correct-Horse-9"


@dataclass
class Database:
    backend: str
    settings: Settings
    engine: AsyncEngine


async def _create_postgres_database(base_url: str) -> str:
    url = make_url(base_url)
    name = f"mockroom_test_{uuid.uuid4().hex[:10]}"
    connection = await asyncpg.connect(
        user=url.username,
        password=url.password,
        host=url.host,
        port=url.port,
        database=url.database,
    )
    try:
        await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()
    return url.set(database=name).render_as_string(hide_password=False)


async def _drop_postgres_database(base_url: str, test_url: str) -> None:
    url = make_url(base_url)
    name = make_url(test_url).database
    connection = await asyncpg.connect(
        user=url.username,
        password=url.password,
        host=url.host,
        port=url.port,
        database=url.database,
    )
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await connection.close()


@pytest.fixture(scope="session", params=BACKENDS)
async def database(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Database]:
    data_dir: Path = tmp_path_factory.mktemp(request.param)
    if request.param == "postgresql":
        url = await _create_postgres_database(POSTGRES_URL)
    else:
        url = f"sqlite+aiosqlite:///{data_dir / 'test.db'}"
    settings = Settings(
        environment="test", database_url=url, data_dir=data_dir, secret_key="test-secret-key"
    )
    engine = make_engine(settings)
    await migrate.upgrade(engine)
    async with make_sessionmaker(engine)() as session:
        await seed_bank(session)
        await session.commit()
    yield Database(request.param, settings, engine)
    await engine.dispose()
    if request.param == "postgresql":
        await _drop_postgres_database(POSTGRES_URL, url)


@pytest.fixture
async def session(database: Database) -> AsyncIterator[AsyncSession]:
    async with make_sessionmaker(database.engine)() as session:
        yield session
        await session.rollback()


@pytest.fixture(autouse=True)
async def _clean_user_rows(request: pytest.FixtureRequest) -> AsyncIterator[None]:
    yield
    if "database" not in request.fixturenames:
        return
    database: Database = request.getfixturevalue("database")
    async with database.engine.begin() as connection:
        await connection.execute(text("DELETE FROM ai_calls"))
        await connection.execute(text("DELETE FROM users"))


@pytest.fixture
async def app(database: Database) -> AsyncIterator[FastAPI]:
    application = create_app(database.settings)
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


async def sign_up(client: httpx.AsyncClient, email: str, name: str = "Test User") -> dict[str, str]:
    """Register through the API and return headers carrying a fresh API token."""
    registered = await client.post(
        "/api/v1/auth/register",
        json={
            "email": email,
            "display_name": name,
            "password": STRONG_PASSWORD,
            "password_confirmation": STRONG_PASSWORD,
        },
    )
    assert registered.status_code == 201, registered.text
    issued = await client.post(
        "/api/v1/auth/tokens", json={"email": email, "password": STRONG_PASSWORD}
    )
    assert issued.status_code == 201, issued.text
    return {"Authorization": f"Bearer {issued.json()['token']}"}


@pytest.fixture
async def alice(client: httpx.AsyncClient) -> dict[str, str]:
    return await sign_up(client, "alice@example.com", "Alice")


@pytest.fixture
async def bob(client: httpx.AsyncClient) -> dict[str, str]:
    return await sign_up(client, "bob@example.com", "Bob")

"""Shared fixtures: a real database per backend, the app over real ASGI HTTP, signed-up users.

Every test that takes ``client`` (or ``database``) runs on SQLite, and again on PostgreSQL when
MOCKROOM_TEST_POSTGRES_URL is set (CI always sets it). Each backend gets its own database,
migrated and seeded once per run; user rows are deleted after every test.

On PostgreSQL the app connects as production runs it: as a login role of its own, with the
privileges `mockroom db upgrade` grants and bound by row-level security, so every test through
the app also proves the policies let the product work. The fixtures themselves (``engine``,
``session``) connect as the owner, to set up and inspect rows across users.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import httpx
import pytest
from fastapi import FastAPI
from playwright.async_api import Browser, Page, async_playwright
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from mockroom.app import create_app
from mockroom.config import Settings
from mockroom.db import migrate
from mockroom.db.engine import make_engine, make_sessionmaker
from mockroom.questions.service import seed_bank
from tests.browser import CHROMIUM, CHROMIUM_ARGS

POSTGRES_URL = os.environ.get("MOCKROOM_TEST_POSTGRES_URL", "")
BACKENDS = ["sqlite", "postgresql"] if POSTGRES_URL else ["sqlite"]
STRONG_PASSWORD = "Correct-Horse-9"


@dataclass
class Database:
    backend: str
    # What the app runs with: on PostgreSQL its own role, the owner in migration_database_url.
    settings: Settings
    # The owner's connection, for fixtures that set up and inspect rows of every user.
    engine: AsyncEngine

    @property
    def owner_url(self) -> str:
        return self.settings.migration_database_url or self.settings.database_url


async def _on_server(base_url: str, statement: str) -> None:
    """Runs one statement outside any test database (creating or dropping one, or a role)."""
    url = make_url(base_url)
    connection = await asyncpg.connect(
        user=url.username,
        password=url.password,
        host=url.host,
        port=url.port,
        database=url.database,
    )
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


async def _create_postgres_database(base_url: str) -> str:
    name = f"mockroom_test_{uuid.uuid4().hex[:10]}"
    await _on_server(base_url, f'CREATE DATABASE "{name}"')
    return make_url(base_url).set(database=name).render_as_string(hide_password=False)


async def _drop_postgres_database(base_url: str, test_url: str) -> None:
    name = make_url(test_url).database
    await _on_server(base_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


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
    role = f"mockroom_app_{uuid.uuid4().hex[:12]}" if request.param == "postgresql" else None
    if role is not None:
        role_url = await _create_app_role(engine, url, role)
        settings = settings.model_copy(
            update={"database_url": role_url, "migration_database_url": url}
        )
    yield Database(request.param, settings, engine)
    await engine.dispose()
    if role is not None:
        await _drop_postgres_database(POSTGRES_URL, url)
        await _drop_role(POSTGRES_URL, role)


async def create_login_role(engine: AsyncEngine, name: str, password: str) -> None:
    async with engine.begin() as connection:
        # A password works whether the server trusts local connections or asks for one.
        await connection.execute(text(f"CREATE ROLE \"{name}\" LOGIN PASSWORD '{password}'"))


async def _create_app_role(engine: AsyncEngine, owner_url: str, role: str) -> str:
    """A login role with what `mockroom db upgrade` grants the app, and the URL to connect as it."""
    password = uuid.uuid4().hex
    await create_login_role(engine, role, password)
    async with engine.begin() as connection:
        await migrate.grant_app_role(connection, role)
    url = make_url(owner_url).set(username=role, password=password)
    return url.render_as_string(hide_password=False)


async def _drop_role(base_url: str, role: str) -> None:
    # Its privileges went with the test database, so nothing else holds on to the role.
    await _on_server(base_url, f'DROP ROLE IF EXISTS "{role}"')


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
    async with http_client(app) as client:
        yield client


def http_client(application: FastAPI) -> httpx.AsyncClient:
    """Real HTTP requests to the app in this process (its lifespan must be running)."""
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=application), base_url="http://testserver"
    )


@asynccontextmanager
async def running_app(application: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """Starts the app's lifespan and yields a client for it; stops it afterwards."""
    async with application.router.lifespan_context(application), http_client(application) as client:
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


@pytest.fixture(scope="module")
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
        )
        yield launched
        await launched.close()


@pytest.fixture
async def page(browser: Browser) -> AsyncIterator[Page]:
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    yield await context.new_page()
    await context.close()

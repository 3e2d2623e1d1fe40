"""The app's own role on PostgreSQL, for tests that look at row-level security directly.

The shared ``database`` fixture already runs the app as a plain login role with exactly the
privileges `mockroom db upgrade` grants (tests/conftest.py). These fixtures name that role,
connect an engine as it, and skip on SQLite, which has no row-level security.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from mockroom.app import create_app
from mockroom.config import Settings
from mockroom.db.engine import make_engine, make_sessionmaker
from tests.conftest import Database, http_client

NO_ROW_SECURITY = (
    "row-level security is PostgreSQL's; SQLite has none "
    "(set MOCKROOM_TEST_POSTGRES_URL to run these tests)"
)


@dataclass
class AppRole:
    name: str
    password: str
    settings: Settings
    engine: AsyncEngine


def role_url(database: Database, name: str, password: str) -> str:
    url = make_url(database.settings.database_url).set(username=name, password=password)
    return url.render_as_string(hide_password=False)


async def drop_login_role(database: Database, name: str) -> None:
    async with database.engine.begin() as connection:
        await connection.execute(text(f'DROP OWNED BY "{name}"'))
        await connection.execute(text(f'DROP ROLE "{name}"'))


def new_role_name() -> str:
    return f"mockroom_app_{uuid.uuid4().hex[:12]}"


@pytest.fixture(scope="session")
async def app_role(database: Database) -> AsyncIterator[AppRole]:
    if database.backend != "postgresql":
        pytest.skip(NO_ROW_SECURITY)
    url = make_url(database.settings.database_url)
    assert url.username and url.password, "the shared fixture connects the app as its own role"
    engine = make_engine(database.settings)
    yield AppRole(url.username, url.password, database.settings, engine)
    await engine.dispose()


@pytest.fixture
def app_sessions(app_role: AppRole) -> async_sessionmaker[AsyncSession]:
    sessions: async_sessionmaker[AsyncSession] = make_sessionmaker(app_role.engine)
    return sessions


@pytest.fixture
async def role_app(app_role: AppRole) -> AsyncIterator[FastAPI]:
    application = create_app(app_role.settings)
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture
async def role_client(role_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with http_client(role_app) as client:
        yield client

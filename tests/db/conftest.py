"""The app as production runs it on PostgreSQL: connected as a role of its own, not the owner.

The shared ``database`` fixture migrates and seeds as a superuser, which row-level security
never binds. These fixtures add a plain login role to the same test database, give it exactly
the privileges `mockroom db upgrade` grants, and connect an engine and an app as that role.
"""

from __future__ import annotations

import secrets
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
from mockroom.db.migrate import grant_app_role
from tests.conftest import Database

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


async def create_login_role(database: Database, name: str, password: str) -> None:
    async with database.engine.begin() as connection:
        # A password works whether the server trusts local connections or asks for one.
        await connection.execute(text(f"CREATE ROLE \"{name}\" LOGIN PASSWORD '{password}'"))


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
    name, password = new_role_name(), secrets.token_hex(16)
    await create_login_role(database, name, password)
    async with database.engine.begin() as connection:
        await grant_app_role(connection, name)
    settings = database.settings.model_copy(
        update={"database_url": role_url(database, name, password)}
    )
    engine = make_engine(settings)
    yield AppRole(name, password, settings, engine)
    await engine.dispose()
    await drop_login_role(database, name)


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
    transport = httpx.ASGITransport(app=role_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client

"""Engine and session factory for the configured database."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine

from mockroom.config import Settings
from mockroom.db.row_security import RowSecuredSession


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets readers proceed while one writer commits; the busy timeout makes a second
    # writer wait instead of failing; foreign keys are off by default in SQLite.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def make_engine(settings: Settings, *, migrations: bool = False) -> AsyncEngine:
    """The app's engine, or with ``migrations`` the one that owns the schema.

    On PostgreSQL the app should connect as a role of its own, subject to row-level security;
    migrations and the question bank's loading need the owner, given in
    MOCKROOM_MIGRATION_DATABASE_URL. Without it, both use MOCKROOM_DATABASE_URL.
    """
    url = settings.database_url
    if migrations and settings.migration_database_url:
        url = settings.migration_database_url
    if url.startswith("sqlite"):
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(url)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    return create_async_engine(url, pool_pre_ping=True, pool_size=10)


def make_sessionmaker(engine: AsyncEngine) -> async_sessionmaker:  # type: ignore[type-arg]
    return async_sessionmaker(engine, expire_on_commit=False, sync_session_class=RowSecuredSession)

"""Run Alembic migrations from code, and give the app's own database role its privileges."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources

from alembic import command
from alembic.config import Config
from sqlalchemy import text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

import mockroom.models  # noqa: F401  (registers every table on the metadata)
from mockroom.config import Settings
from mockroom.db.base import Base
from mockroom.db.engine import make_engine

# What the app's role may do to whole tables; the row policies then narrow it to rows.
# The bank is loaded by `mockroom seed` as the owner; the security log is only ever added to.
READ_ONLY_TABLES = {"question_bank"}
APPEND_ONLY_TABLES = {"audit_events"}
# Columns the app never changes. Making someone an administrator is the owner's act, so a
# bug that writes a whole profile cannot grant it.
FIXED_COLUMNS = {"id"}
FIXED_COLUMNS_OF = {"users": {"is_admin"}}


@dataclass(frozen=True)
class Upgraded:
    """What `db upgrade` did beyond migrating, for the command to report."""

    granted_role: str | None
    role_bypasses_row_security: bool


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(resources.files("mockroom.db") / "migrations"))
    config.set_main_option("sqlalchemy.url", database_url)
    return config


async def upgrade(engine: AsyncEngine, revision: str = "head") -> None:
    def _upgrade(connection: Connection) -> None:
        config = alembic_config(str(engine.url))
        config.attributes["connection"] = connection
        command.upgrade(config, revision)

    async with engine.begin() as connection:
        await connection.run_sync(_upgrade)


async def grant_app_role(connection: AsyncConnection, role: str) -> None:
    """Give the app's role exactly the table privileges it needs, and take away the rest.

    Run after every upgrade, so tables and columns added by later migrations are covered.
    """
    quote = connection.dialect.identifier_preparer.quote
    grantee = quote(role)
    schema = await connection.scalar(text("SELECT current_schema()"))
    statements = [f"GRANT USAGE ON SCHEMA {quote(str(schema))} TO {grantee}"]
    for table in Base.metadata.sorted_tables:
        name = quote(table.name)
        statements.append(f"REVOKE ALL ON {name} FROM {grantee}")
        if table.name in READ_ONLY_TABLES:
            statements.append(f"GRANT SELECT ON {name} TO {grantee}")
        elif table.name in APPEND_ONLY_TABLES:
            statements.append(f"GRANT SELECT, INSERT ON {name} TO {grantee}")
        else:
            fixed = FIXED_COLUMNS | FIXED_COLUMNS_OF.get(table.name, set())
            changeable = ", ".join(
                quote(column.name) for column in table.columns if column.name not in fixed
            )
            statements.append(f"GRANT SELECT, INSERT, DELETE ON {name} TO {grantee}")
            statements.append(f"GRANT UPDATE ({changeable}) ON {name} TO {grantee}")
    statements.append(f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA {quote(str(schema))} TO {grantee}")
    for statement in statements:
        await connection.execute(text(statement))


async def upgrade_database(settings: Settings) -> Upgraded:
    """Migrate as the schema's owner; on PostgreSQL, grant the app's own role its privileges.

    The app's role is the user in MOCKROOM_DATABASE_URL. When it is the owner itself (no
    MOCKROOM_MIGRATION_DATABASE_URL), there is nothing to grant; the policies still bind it,
    because the tables force row-level security, unless it is a superuser or has BYPASSRLS.
    """
    engine = make_engine(settings, migrations=True)
    try:
        await upgrade(engine)
        if engine.dialect.name != "postgresql":
            return Upgraded(granted_role=None, role_bypasses_row_security=False)
        async with engine.begin() as connection:
            owner = str(await connection.scalar(text("SELECT current_user")))
            app_role = make_url(settings.database_url).username or owner
            granted = None
            if app_role != owner:
                await grant_app_role(connection, app_role)
                granted = app_role
            bypasses = await connection.scalar(
                text("SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = :role"),
                {"role": app_role},
            )
    finally:
        await engine.dispose()
    return Upgraded(granted_role=granted, role_bypasses_row_security=bool(bypasses))

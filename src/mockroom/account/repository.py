"""Every query account management needs: browser sessions, the export, deletion.

The export reads the schema rather than a hand-kept list of tables: a table is the user's when
it points at ``users`` directly, or at a table that is theirs (an interview's questions). So a
table added later is exported without anyone remembering to add it here.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Select, Table, delete, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from mockroom.db.base import Base
from mockroom.models import AuthSession, User

# Credentials and their digests stay out of an export: a password hash, a token's hash, a CSRF
# secret or a sealed OAuth token helps no one who reads their data, and harms them if it leaks.
SECRET_COLUMN = re.compile(r"password|secret|(^|_)token$|_hash$")

Path = tuple[ForeignKey, ...]


def is_secret(column_name: str) -> bool:
    return SECRET_COLUMN.search(column_name) is not None


def ownership_paths() -> dict[str, Sequence[Path]]:
    """For each table with rows of a user: the foreign-key chains that lead to ``users``."""
    users = Base.metadata.tables[User.__tablename__]

    def paths_of(table: Table, seen: frozenset[str]) -> list[Path]:
        direct = [(key,) for key in table.foreign_keys if key.column.table is users]
        if direct:
            return sorted(direct, key=lambda path: path[0].parent.name)
        for key in sorted(table.foreign_keys, key=lambda key: key.parent.name):
            parent = key.column.table
            if not isinstance(parent, Table) or parent.name in seen:
                continue
            found = paths_of(parent, seen | {parent.name})
            if found:
                return [(key, *path) for path in found]
        return []

    owned: dict[str, Sequence[Path]] = {}
    for table in Base.metadata.sorted_tables:
        if table is users:
            continue
        paths = paths_of(table, frozenset({table.name}))
        if paths:
            owned[table.name] = paths
    return owned


def _owned_rows(table: Table, paths: Sequence[Path], user_id: int) -> Select[Any]:
    columns = [column for column in table.columns if not is_secret(column.name)]
    query = select(*columns)
    # Every chain of one table shares its joins; only the last step to users differs.
    for key in paths[0][:-1]:
        query = query.join(key.column.table, key.parent == key.column)
    return query.where(or_(*(path[-1].parent == user_id for path in paths))).order_by(
        *table.primary_key.columns
    )


class AccountRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def live_sessions_of(self, user_id: int, now: datetime, limit: int) -> list[AuthSession]:
        result = await self.session.scalars(
            select(AuthSession)
            .where(AuthSession.user_id == user_id, AuthSession.expires_at > now)
            .order_by(AuthSession.last_seen_at.desc(), AuthSession.id.desc())
            .limit(limit)
        )
        return list(result)

    async def session_of(self, user_id: int, session_id: int) -> AuthSession | None:
        return await self.session.scalar(
            select(AuthSession).where(AuthSession.user_id == user_id, AuthSession.id == session_id)
        )

    async def delete_session(self, row: AuthSession) -> None:
        await self.session.delete(row)
        await self.session.flush()

    async def delete_sessions_except(self, user_id: int, keep_id: int | None) -> int:
        query = delete(AuthSession).where(AuthSession.user_id == user_id)
        if keep_id is not None:
            query = query.where(AuthSession.id != keep_id)
        result = await self.session.execute(query.returning(AuthSession.id))
        return len(result.all())

    async def exported_tables(self, user_id: int) -> dict[str, list[dict[str, Any]]]:
        users = Base.metadata.tables[User.__tablename__]
        profile = select(*[column for column in users.columns if not is_secret(column.name)])
        tables = {
            users.name: [
                dict(row)
                for row in (
                    await self.session.execute(profile.where(users.c.id == user_id))
                ).mappings()
            ]
        }
        for name, paths in ownership_paths().items():
            query = _owned_rows(Base.metadata.tables[name], paths, user_id)
            tables[name] = [dict(row) for row in (await self.session.execute(query)).mappings()]
        return tables

    async def delete_user(self, user_id: int) -> None:
        """Every row of theirs goes with it: each foreign key to users cascades."""
        # Pending changes to their rows (a token's last use) must not be flushed after this.
        await self.session.flush()
        await self.session.execute(delete(User).where(User.id == user_id))
        self.session.expunge_all()

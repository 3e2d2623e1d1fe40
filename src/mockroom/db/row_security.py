"""Who the database thinks is acting: the settings PostgreSQL's row-level policies read.

The policies (migration 0005) compare every user-owned row with settings made here through
``set_config(name, value, true)``, the function form of ``SET LOCAL``: they end with the
transaction, so a pooled connection never carries one request's user into the next. A session
keeps its actor in ``session.info`` and re-applies it to every transaction it begins, because
services may commit in the middle of a request. Without an actor nothing user-owned is
visible, so a code path that forgets to say who is acting fails closed.

SQLite has no row-level security; there these functions only record the actor.
See docs/row-level-security.md for the design.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session, SessionTransaction

from mockroom.errors import NotFound
from mockroom.models import User

_ACTOR = "mockroom_actor"
_EVERY_ROW = "mockroom_every_row"

_SESSION_SETTINGS = text(
    "SELECT set_config('mockroom.user_id', :user_id, true),"
    " set_config('mockroom.every_row', :every_row, true)"
)
_LOOKUP_SETTINGS = text(
    "SELECT set_config('mockroom.lookup_email', :email, true),"
    " set_config('mockroom.lookup_token', :token_hash, true),"
    " set_config('mockroom.lookup_github_id', :github_id, true)"
)
_NO_LOOKUP = {"email": "", "token_hash": "", "github_id": ""}


class RowSecuredSession(Session):
    """The sessions the app makes: each transaction they begin says who is acting."""


def _session_values(info: dict[str, Any]) -> dict[str, str]:
    actor = info.get(_ACTOR)
    return {
        "user_id": "" if actor is None else str(actor),
        "every_row": "on" if info.get(_EVERY_ROW) else "",
    }


@event.listens_for(RowSecuredSession, "after_begin")
def _apply_on_begin(
    session: Session, _transaction: SessionTransaction, connection: Connection
) -> None:
    if connection.dialect.name != "postgresql":
        return
    # A new transaction starts with no settings, so with no actor there is nothing to send.
    if session.info.get(_ACTOR) is None and not session.info.get(_EVERY_ROW):
        return
    connection.execute(_SESSION_SETTINGS, _session_values(session.info))


def _on_postgresql(session: AsyncSession) -> bool:
    return session.get_bind().dialect.name == "postgresql"


async def _apply_now(session: AsyncSession) -> None:
    # Outside a transaction the next one applies the settings as it begins.
    if session.in_transaction() and _on_postgresql(session):
        await session.execute(_SESSION_SETTINGS, _session_values(session.info))


async def set_actor(session: AsyncSession, user_id: int) -> None:
    """From now on, in this session, the database shows and accepts only this user's rows."""
    session.info[_ACTOR] = user_id
    await _apply_now(session)


async def act_as_admin(session: AsyncSession, user: User) -> None:
    """The explicit path for administrators: every row, for the rest of this session.

    A user who is not an administrator gets the same 404 as for any row they may not see.
    """
    if not user.is_admin:
        raise NotFound()
    session.info[_EVERY_ROW] = True
    await set_actor(session, user.id)


@asynccontextmanager
async def every_row(session: AsyncSession) -> AsyncIterator[None]:
    """Work done for no one user, such as a count across all users: every row, in this block.

    The block runs in a savepoint, so if it fails, rolling the savepoint back also takes the
    setting back and the surrounding transaction can go on as the actor alone. Keep the block
    to the statements that need it, and do not commit inside it.
    """
    if not _on_postgresql(session):
        yield
        return
    before = bool(session.info.get(_EVERY_ROW))
    async with session.begin_nested():
        session.info[_EVERY_ROW] = True
        try:
            await _apply_now(session)
            yield
        finally:
            session.info[_EVERY_ROW] = before
        await _apply_now(session)


@asynccontextmanager
async def credential_lookup(
    session: AsyncSession,
    *,
    email: str = "",
    token_hash: str = "",
    github_id: int | None = None,
) -> AsyncIterator[None]:
    """Before anyone is acting: show only the rows this credential names, inside the block.

    An email shows that one account (to sign in, to tell a registration it is taken, and to
    create it); a token's hash shows that one browser session or API token; a GitHub id that
    OAuth has just proven shows the account linked to it. Wrap only the statement that needs
    it. If that statement fails, the transaction is already aborted and its rollback discards
    the keys, so they are cleared only on success.
    """
    if not _on_postgresql(session):
        yield
        return
    keys = {"email": email, "token_hash": token_hash, "github_id": str(github_id or "")}
    await session.execute(_LOOKUP_SETTINGS, keys)
    yield
    await session.execute(_LOOKUP_SETTINGS, _NO_LOOKUP)

"""Every query auth needs: users by email, browser sessions, API tokens.

The lookups that find who is asking run before anyone is acting, so on PostgreSQL each one
shows, for its one statement, only the row its credential names (db/row_security.py).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from mockroom.db.row_security import credential_lookup
from mockroom.models import ApiToken, AuthSession, User


class AuthRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def user_by_email(self, email: str) -> User | None:
        async with credential_lookup(self.session, email=email):
            return await self.session.scalar(select(User).where(User.email == email))

    async def user_by_id(self, user_id: int) -> User | None:
        return await self.session.get(User, user_id)

    async def add(self, row: User | AuthSession | ApiToken) -> None:
        self.session.add(row)
        await self.session.flush()

    async def add_user(self, user: User) -> None:
        """A new account: until it is the actor, only its own email makes it visible."""
        async with credential_lookup(self.session, email=user.email):
            self.session.add(user)
            await self.session.flush()

    async def live_session(self, token_hash: str, now: datetime) -> AuthSession | None:
        async with credential_lookup(self.session, token_hash=token_hash):
            return await self.session.scalar(
                select(AuthSession).where(
                    AuthSession.token_hash == token_hash, AuthSession.expires_at > now
                )
            )

    async def delete_session(self, token_hash: str) -> None:
        # Whoever holds the token may end that session, even an expired one.
        async with credential_lookup(self.session, token_hash=token_hash):
            await self.session.execute(
                delete(AuthSession).where(AuthSession.token_hash == token_hash)
            )

    async def touch_session(self, session_id: int, now: datetime) -> None:
        await self.session.execute(
            update(AuthSession).where(AuthSession.id == session_id).values(last_seen_at=now)
        )

    async def live_api_token(self, token_hash: str) -> ApiToken | None:
        async with credential_lookup(self.session, token_hash=token_hash):
            return await self.session.scalar(
                select(ApiToken).where(
                    ApiToken.token_hash == token_hash, ApiToken.revoked_at.is_(None)
                )
            )

    async def api_tokens_of(self, user_id: int, limit: int) -> list[ApiToken]:
        result = await self.session.scalars(
            select(ApiToken)
            .where(ApiToken.user_id == user_id)
            .order_by(ApiToken.id.desc())
            .limit(limit)
        )
        return list(result)

    async def api_token_of(self, user_id: int, token_id: int) -> ApiToken | None:
        return await self.session.scalar(
            select(ApiToken).where(ApiToken.user_id == user_id, ApiToken.id == token_id)
        )

"""Every query the GitHub domain needs.

Signing in with GitHub happens before anyone is acting, so on PostgreSQL the lookups it makes
show, for their one statement, only the row their credential names (db/row_security.py): the
account linked to a GitHub id that OAuth has just proven, or the user with a verified email.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from mockroom.db.row_security import credential_lookup, set_actor
from mockroom.models import GithubAccount, User


class GithubRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def account_of(self, user_id: int) -> GithubAccount | None:
        return await self.session.scalar(
            select(GithubAccount).where(GithubAccount.user_id == user_id)
        )

    async def oauth_account(self, github_id: int) -> GithubAccount | None:
        """The account proven by OAuth for this GitHub user, whoever owns it; public-username
        links never count."""
        async with credential_lookup(self.session, github_id=github_id):
            return await self.session.scalar(
                select(GithubAccount).where(
                    GithubAccount.github_id == github_id, GithubAccount.linked_via == "oauth"
                )
            )

    async def act_as(self, user_id: int) -> User | None:
        """From now on this user is acting (GitHub proved who they are); their row."""
        await set_actor(self.session, user_id)
        return await self.session.get(User, user_id)

    async def user_by_email(self, email: str) -> User | None:
        async with credential_lookup(self.session, email=email):
            return await self.session.scalar(select(User).where(User.email == email))

    async def add_user(self, user: User) -> None:
        """A new account: until it is the actor, only its own email makes it visible."""
        async with credential_lookup(self.session, email=user.email):
            self.session.add(user)
            await self.session.flush()
        await set_actor(self.session, user.id)

    async def add(self, row: GithubAccount) -> None:
        self.session.add(row)
        await self.session.flush()

    async def delete(self, account: GithubAccount) -> None:
        await self.session.delete(account)
        await self.session.flush()

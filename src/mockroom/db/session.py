"""One database session per request: committed once at the end, rolled back on error."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    sessionmaker = request.app.state.sessionmaker
    async with sessionmaker() as session:
        try:
            yield session
            await session.commit()
        except BaseException:
            await session.rollback()
            raise


# Function scope: the commit happens before the response is sent, so a client never reads
# a response whose writes could still fail.
DbSession = Annotated[AsyncSession, Depends(get_session, scope="function")]

"""The acting user's own profile."""

from __future__ import annotations

from fastapi import APIRouter

from mockroom.auth.deps import CurrentUser
from mockroom.db.session import DbSession
from mockroom.users.schemas import UserProfile, UserUpdate
from mockroom.users.service import UserService
from mockroom.web.openapi import ERROR_RESPONSES

router = APIRouter(prefix="/users", tags=["users"], responses=ERROR_RESPONSES)


@router.get("/me", summary="My profile")
async def read_me(user: CurrentUser) -> UserProfile:
    return UserProfile.model_validate(user)


@router.patch("/me", summary="Change my name, level or languages")
async def update_me(data: UserUpdate, user: CurrentUser, session: DbSession) -> UserProfile:
    updated = UserService(user).update(data)
    await session.flush()
    return UserProfile.model_validate(updated)

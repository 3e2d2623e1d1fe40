"""Profile changes for the acting user."""

from __future__ import annotations

from mockroom.db.base import utcnow
from mockroom.models import User
from mockroom.users.schemas import UserUpdate


class UserService:
    def __init__(self, user: User) -> None:
        self.user = user

    def update(self, data: UserUpdate) -> User:
        for field, value in data.model_dump(exclude_none=True).items():
            setattr(self.user, field, value)
        self.user.updated_at = utcnow()
        return self.user

"""The API shapes of account management: password change, browser sessions, export, deletion."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from mockroom.auth.passwords import password_problems


class PasswordChange(BaseModel):
    current_password: str = Field(min_length=1, max_length=200)
    new_password: str = Field(max_length=200)
    new_password_confirmation: str = Field(max_length=200)

    @field_validator("new_password")
    @classmethod
    def _strong_and_new(cls, value: str, info: ValidationInfo) -> str:
        problems = password_problems(value)
        if problems:
            raise ValueError("the password needs " + ", ".join(problems))
        if value == info.data.get("current_password"):
            raise ValueError("choose a password different from the current one")
        return value

    @field_validator("new_password_confirmation")
    @classmethod
    def _passwords_match(cls, value: str, info: ValidationInfo) -> str:
        if "new_password" in info.data and value != info.data["new_password"]:
            raise ValueError("the passwords do not match")
        return value


class PasswordChanged(BaseModel):
    sessions_ended: int = Field(description="Browser sessions signed out by the change.")


class BrowserSession(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    user_agent: str
    ip_address: str
    created_at: datetime
    last_seen_at: datetime
    expires_at: datetime


class AccountDeletion(BaseModel):
    password: str = Field(min_length=1, max_length=200, description="Your current password.")


class AccountExport(BaseModel):
    exported_at: datetime
    tables: dict[str, list[dict[str, Any]]] = Field(
        description="Every row of yours, by table. Password and token hashes are left out."
    )

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, EmailStr, Field, ValidationInfo, field_validator

from mockroom.auth.passwords import password_problems


class PasswordChoice(BaseModel):
    """A new password typed twice: the same rules wherever one is chosen."""

    password: str = Field(max_length=200)
    password_confirmation: str = Field(max_length=200)

    @field_validator("password")
    @classmethod
    def _strong_password(cls, value: str) -> str:
        problems = password_problems(value)
        if problems:
            raise ValueError("the password needs " + ", ".join(problems))
        return value

    @field_validator("password_confirmation")
    @classmethod
    def _passwords_match(cls, value: str, info: ValidationInfo) -> str:
        if "password" in info.data and value != info.data["password"]:
            raise ValueError("the passwords do not match")
        return value


class Registration(PasswordChoice):
    email: EmailStr
    display_name: str = Field(min_length=1, max_length=100)

    @field_validator("email")
    @classmethod
    def _normalise_email(cls, value: str) -> str:
        return value.strip().lower()

    @field_validator("display_name")
    @classmethod
    def _trim_name(cls, value: str) -> str:
        value = value.strip()
        if not value:
            raise ValueError("enter your name")
        return value


class Credentials(BaseModel):
    email: EmailStr
    password: str = Field(min_length=1, max_length=200)

    @field_validator("email")
    @classmethod
    def _normalise_email(cls, value: str) -> str:
        return value.strip().lower()


class ApiTokenCreate(BaseModel):
    email: EmailStr
    password: str = Field(min_length=1, max_length=200)
    name: str = Field(default="API token", min_length=1, max_length=100)


class ApiToken(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class ApiTokenIssued(ApiToken):
    token: str = Field(description="Shown once; send it as `Authorization: Bearer <token>`.")

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, EmailStr, Field, field_validator

from mockroom.ai.schemas import Level


class UserProfile(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    email: EmailStr
    display_name: str
    experience_level: Level
    preferred_languages: list[str]
    github_username: str | None
    created_at: datetime


class UserUpdate(BaseModel):
    display_name: str | None = Field(default=None, min_length=1, max_length=100)
    experience_level: Level | None = None
    preferred_languages: list[str] | None = Field(default=None, max_length=12)

    @field_validator("preferred_languages")
    @classmethod
    def _clean_languages(cls, values: list[str] | None) -> list[str] | None:
        if values is None:
            return None
        cleaned: list[str] = []
        for value in values:
            language = value.strip()
            if len(language) > 30:
                raise ValueError("each language must be at most 30 characters")
            if language and language.lower() not in [item.lower() for item in cleaned]:
                cleaned.append(language)
        return cleaned

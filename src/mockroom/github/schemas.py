"""What a sync stores in ``users.github_data``, what the analysis derives, and the API shapes."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field, field_validator

from mockroom.ai.schemas import Level

LOGIN_PATTERN = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$")
LinkKind = Literal["oauth", "username"]


class GithubProfileData(BaseModel):
    id: int
    login: str
    name: str | None = None
    avatar_url: str | None = None
    bio: str | None = None
    company: str | None = None
    location: str | None = None
    followers: int = 0
    public_repos: int = 0
    created_at: datetime | None = None


class RepositoryData(BaseModel):
    name: str
    full_name: str
    description: str | None = None
    fork: bool = False
    archived: bool = False
    language: str | None = None
    topics: list[str] = Field(default_factory=list)
    stars: int = 0
    size_kb: int = 0
    pushed_at: datetime | None = None
    # Bytes per language, as GitHub counts them; only fetched for the user's own (non-fork) work.
    languages: dict[str, int] = Field(default_factory=dict)
    # Names at the repository's root and dependencies per manifest, for the top repositories.
    root_files: list[str] = Field(default_factory=list)
    dependencies: dict[str, list[str]] = Field(default_factory=dict)


class LanguageShare(BaseModel):
    name: str
    percent: float = Field(ge=0, le=100)


class DetectedTool(BaseModel):
    name: str
    topic: str
    repositories: list[str]


class NotableProject(BaseModel):
    name: str
    url: str
    description: str | None
    stars: int
    languages: list[str]
    tools: list[str]
    topics: list[str]
    pushed_at: datetime | None


class Analysis(BaseModel):
    languages: list[LanguageShare] = Field(default_factory=list)
    tools: list[DetectedTool] = Field(default_factory=list)
    topics: list[str] = Field(default_factory=list)
    notable: list[NotableProject] = Field(default_factory=list)
    level: Level | None = None
    level_reasons: list[str] = Field(default_factory=list)
    focus_suggestions: list[str] = Field(default_factory=list)


class Snapshot(BaseModel):
    """The whole of ``users.github_data``."""

    profile: GithubProfileData
    profile_url: str
    repositories: list[RepositoryData]
    analysis: Analysis
    notes: list[str] = Field(default_factory=list)


class GithubStatus(BaseModel):
    linked: bool
    login: str | None = None
    linked_via: LinkKind | None = None
    synced_at: datetime | None = None
    stale: bool = False
    last_error: str | None = None
    rate_limited_until: datetime | None = None
    oauth_available: bool = Field(description="Whether this server offers sign-in with GitHub.")
    profile: GithubProfileData | None = None
    profile_url: str | None = None
    analysis: Analysis | None = None
    notes: list[str] = Field(default_factory=list)


class UsernameLink(BaseModel):
    username: str = Field(min_length=1, max_length=39, description="A public GitHub username.")

    @field_validator("username")
    @classmethod
    def _github_login(cls, value: str) -> str:
        value = value.strip().removeprefix("@")
        if not LOGIN_PATTERN.match(value):
            raise ValueError(
                "a GitHub username has letters, digits and single hyphens, up to 39 characters"
            )
        return value

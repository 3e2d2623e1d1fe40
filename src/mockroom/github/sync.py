"""Fetching a profile and its repositories from GitHub, with conditional requests.

Every reply is kept in a small cache (path -> ETag and the compact value taken from it), so
the next sync sends ``If-None-Match`` and a 304 reuses the stored value: an unchanged profile
costs GitHub nothing to answer and, when authenticated, nothing from the rate limit.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from pydantic import ValidationError

from mockroom.github import manifests
from mockroom.github.client import GithubClient, GithubError, GithubNotFound, GithubRefused
from mockroom.github.schemas import GithubProfileData, RepositoryData

# Pages are followed until the limit of the user's own repositories is reached, or this many.
MAX_PAGES = 10
MAX_DESCRIPTION = 300
MAX_TOPICS = 20
MAX_ROOT_FILES = 200


class Fetcher:
    """GETs through the client, answering from the cache on 304 Not Modified."""

    def __init__(self, client: GithubClient, cache: dict[str, Any]) -> None:
        self.client = client
        self.previous = cache
        # Only entries used in this sync are kept, so the cache never outgrows one sync.
        self.cache: dict[str, Any] = {}

    async def get(self, path: str, transform: Callable[[Any], Any]) -> tuple[Any, str | None]:
        """The transformed value at ``path`` and the path of its next page, if any."""
        entry = self.previous.get(path)
        fetched = await self.client.get(path, etag=entry["etag"] if entry else None)
        if fetched.not_modified and entry:
            value, next_path = entry["value"], entry.get("next")
        else:
            value, next_path = transform(fetched.data), fetched.next_path
        etag = fetched.etag or (entry["etag"] if entry else None)
        if etag:
            self.cache[path] = {"etag": etag, "value": value, "next": next_path}
        return value, next_path


def _text(value: Any, limit: int) -> str | None:
    return value[:limit] if isinstance(value, str) and value.strip() else None


def compact_profile(data: Any) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise GithubError("GitHub sent a profile mockroom could not read.")
    avatar = data.get("avatar_url")
    return {
        "id": data.get("id"),
        "login": data.get("login"),
        "name": _text(data.get("name"), 100),
        # Shown as an image on our pages, so only a web address is kept.
        "avatar_url": avatar if isinstance(avatar, str) and avatar.startswith("https://") else None,
        "bio": _text(data.get("bio"), 300),
        "company": _text(data.get("company"), 100),
        "location": _text(data.get("location"), 100),
        "followers": data.get("followers") or 0,
        "public_repos": data.get("public_repos") or 0,
        "created_at": data.get("created_at"),
    }


def compact_repositories(data: Any) -> list[dict[str, Any]]:
    if not isinstance(data, list):
        raise GithubError("GitHub sent a repository list mockroom could not read.")
    return [
        {
            "name": item.get("name"),
            "full_name": item.get("full_name"),
            "description": _text(item.get("description"), MAX_DESCRIPTION),
            "fork": bool(item.get("fork")),
            "archived": bool(item.get("archived")),
            "language": item.get("language"),
            "topics": [topic for topic in item.get("topics") or [] if isinstance(topic, str)][
                :MAX_TOPICS
            ],
            "stars": item.get("stargazers_count") or 0,
            "size_kb": item.get("size") or 0,
            "pushed_at": item.get("pushed_at"),
        }
        for item in data
        if isinstance(item, dict) and item.get("name") and item.get("full_name")
    ]


def compact_languages(data: Any) -> dict[str, int]:
    if not isinstance(data, dict):
        return {}
    return {str(name): size for name, size in data.items() if isinstance(size, int)}


def root_listing(data: Any) -> dict[str, Any]:
    """Names at the root, and the manifests present there that are small enough to read."""
    entries = [entry for entry in data if isinstance(entry, dict)] if isinstance(data, list) else []
    return {
        "names": [str(entry.get("name")) for entry in entries][:MAX_ROOT_FILES],
        "manifests": [
            entry["name"]
            for entry in entries
            if entry.get("type") == "file"
            and entry.get("name") in manifests.PARSERS
            and (entry.get("size") or 0) <= manifests.MAX_MANIFEST_BYTES
        ],
    }


def manifest_reader(filename: str) -> Callable[[Any], list[str]]:
    def read(data: Any) -> list[str]:
        if not isinstance(data, dict) or data.get("encoding") != "base64":
            return []
        try:
            text = base64.b64decode(str(data.get("content", ""))).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return []
        return manifests.dependencies(filename, text)

    return read


def _repository_path(full_name: str, *rest: str) -> str:
    owner, _, name = full_name.partition("/")
    parts = [quote(owner, safe=""), quote(name, safe=""), *rest]
    return "repos/" + "/".join(parts)


async def fetch_profile(fetcher: Fetcher, login: str | None) -> GithubProfileData:
    """The signed-in user's profile with a token (``login`` None), else the public one."""
    path = "user" if login is None else f"users/{quote(login, safe='')}"
    value, _ = await fetcher.get(path, compact_profile)
    try:
        return GithubProfileData.model_validate(value)
    except ValidationError as error:
        raise GithubError("GitHub sent a profile mockroom could not read.") from error


async def fetch_repositories(
    fetcher: Fetcher,
    login: str | None,
    *,
    limit: int,
    manifest_repositories: int,
) -> list[RepositoryData]:
    """The user's own repositories, non-forks first, most recently pushed first, up to
    ``limit``; languages for each non-fork, and manifests for the leading few."""
    if login is None:
        path: str | None = "user/repos?affiliation=owner&sort=pushed&per_page=100"
    else:
        path = f"users/{quote(login, safe='')}/repos?type=owner&sort=pushed&per_page=100"
    listed: list[dict[str, Any]] = []
    pages = 0
    while path and pages < MAX_PAGES:
        page, path = await fetcher.get(path, compact_repositories)
        listed += page
        pages += 1
        if sum(1 for item in listed if not item["fork"]) >= limit:
            break
    repositories = []
    for item in listed:
        try:
            repositories.append(RepositoryData.model_validate(item))
        except ValidationError:
            continue
    repositories.sort(key=_push_time, reverse=True)
    repositories.sort(key=lambda repository: repository.fork)
    chosen = repositories[:limit]
    for repository in chosen:
        if not repository.fork:
            repository.languages = await _optional(
                fetcher,
                _repository_path(repository.full_name, "languages"),
                compact_languages,
                {},
            )
    leading = sorted(
        (repository for repository in chosen if not repository.fork and not repository.archived),
        key=lambda repository: (-repository.stars, -_push_time(repository)),
    )
    for repository in leading[:manifest_repositories]:
        await _read_manifests(fetcher, repository)
    return chosen


def _push_time(repository: RepositoryData) -> float:
    return repository.pushed_at.timestamp() if repository.pushed_at else 0.0


async def _optional(
    fetcher: Fetcher, path: str, transform: Callable[[Any], Any], missing: Any
) -> Any:
    """A value that may legitimately be absent (an empty repository has no contents)."""
    try:
        value, _ = await fetcher.get(path, transform)
    except (GithubNotFound, GithubRefused):
        return missing
    return value


async def _read_manifests(fetcher: Fetcher, repository: RepositoryData) -> None:
    listing = await _optional(
        fetcher, _repository_path(repository.full_name, "contents"), root_listing, {}
    )
    repository.root_files = listing.get("names", [])
    for filename in listing.get("manifests", []):
        path = _repository_path(repository.full_name, "contents", quote(filename, safe=""))
        names = await _optional(fetcher, path, manifest_reader(filename), [])
        if names:
            repository.dependencies[filename] = names

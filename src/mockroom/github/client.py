"""The GitHub REST API over httpx: conditional requests, pagination links and rate limits.

Every response's rate-limit headers are read. When the budget is spent, the next request
is not sent: a reset a few seconds away is waited for, a later one is reported to the user
with the time it lifts. The same goes for a 403 or 429 that says the limit was hit.
"""

from __future__ import annotations

import asyncio
import re
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from types import TracebackType
from typing import Any, Self

import httpx

from mockroom import __version__
from mockroom.errors import AppError
from mockroom.github.settings import GithubSettings

API_VERSION = "2022-11-28"
# GitHub asks clients that hit a secondary limit without a Retry-After to wait a minute.
SECONDARY_LIMIT_SECONDS = 60
NEXT_LINK = re.compile(r'<([^>]+)>\s*;\s*rel="next"')


class GithubError(AppError):
    status = 502
    default_message = "GitHub could not be reached. Try again in a few minutes."


class GithubRateLimited(GithubError):
    status = 429

    def __init__(self, until: datetime) -> None:
        self.until = until
        super().__init__(
            "GitHub's request limit for mockroom is used up until "
            f"{until:%H:%M} UTC. Your GitHub data will refresh after that.",
            detail={"retry_after": until.isoformat()},
        )


class GithubUnauthorized(GithubError):
    status = 409
    default_message = (
        "GitHub no longer accepts mockroom's access to your account (it was revoked or has "
        "expired). Link GitHub again from Settings."
    )


class GithubNotFound(GithubError):
    status = 404
    default_message = "GitHub has no such user or repository."


class GithubRefused(GithubError):
    default_message = "GitHub refused the request. Try again later."


@dataclass(frozen=True)
class Fetched:
    """One reply: ``data`` is None for 304 Not Modified; ``next_path`` is the next page."""

    not_modified: bool
    data: Any
    etag: str | None
    next_path: str | None


class GithubClient:
    def __init__(
        self,
        settings: GithubSettings,
        token: str | None = None,
        *,
        blocked_until: datetime | None = None,
    ) -> None:
        headers = {
            "Accept": "application/vnd.github+json",
            "X-GitHub-Api-Version": API_VERSION,
            "User-Agent": f"mockroom/{__version__}",
        }
        if token:
            headers["Authorization"] = f"Bearer {token}"
        self.api_root = settings.api_url + "/"
        self._http = httpx.AsyncClient(
            base_url=self.api_root,
            headers=headers,
            timeout=settings.timeout_seconds,
            follow_redirects=False,
        )
        self._max_wait = settings.rate_limit_max_wait_seconds
        # A reset time we learnt from GitHub; until then nothing is sent (or we wait briefly).
        self.blocked_until = blocked_until

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        await self._http.aclose()

    async def get(self, path: str, *, etag: str | None = None) -> Fetched:
        """GET ``path`` (relative to the API root, query included); a rate limit that lifts
        within the allowed wait is waited out and the request sent once more."""
        headers = {"If-None-Match": etag} if etag else {}
        response = await self._send(path, headers)
        if self._rate_limited(response):
            response = await self._send(path, headers)
            if self._rate_limited(response):
                assert self.blocked_until is not None
                raise GithubRateLimited(self.blocked_until)
        return self._interpret(response)

    async def _send(self, path: str, headers: dict[str, str]) -> httpx.Response:
        await self._respect_limit()
        try:
            response = await self._http.get(path, headers=headers)
        except httpx.HTTPError as error:
            raise GithubError() from error
        if response.headers.get("x-ratelimit-remaining") == "0":
            # The budget is spent: the next request waits for the reset or is not sent.
            self.blocked_until = _reset_time(response) or self.blocked_until
        return response

    def _rate_limited(self, response: httpx.Response) -> bool:
        """True when GitHub refused for a rate limit that lifts soon; raises when it lifts late."""
        until = _limited_until(response)
        if until is None:
            return False
        self.blocked_until = until
        if _seconds_until(until) > self._max_wait:
            raise GithubRateLimited(until)
        return True

    async def _respect_limit(self) -> None:
        if self.blocked_until is None:
            return
        wait = _seconds_until(self.blocked_until)
        if wait > self._max_wait:
            raise GithubRateLimited(self.blocked_until)
        if wait > 0:
            await asyncio.sleep(wait)
        self.blocked_until = None

    def _interpret(self, response: httpx.Response) -> Fetched:
        status = response.status_code
        if status == 304:
            return Fetched(True, None, response.headers.get("etag"), self._next_path(response))
        if status == 401:
            raise GithubUnauthorized()
        if status == 404:
            raise GithubNotFound()
        if status in (403, 451):
            raise GithubRefused()
        if not 200 <= status < 300:
            raise GithubError()
        try:
            data = response.json()
        except ValueError as error:
            raise GithubError("GitHub sent a reply mockroom could not read.") from error
        return Fetched(False, data, response.headers.get("etag"), self._next_path(response))

    def _next_path(self, response: httpx.Response) -> str | None:
        """The next page, only when it is on the configured API: the token never goes elsewhere."""
        found = NEXT_LINK.search(response.headers.get("link", ""))
        if found is None or not found.group(1).startswith(self.api_root):
            return None
        return found.group(1).removeprefix(self.api_root)


def _reset_time(response: httpx.Response) -> datetime | None:
    reset = response.headers.get("x-ratelimit-reset", "")
    return datetime.fromtimestamp(int(reset), UTC) if reset.isdigit() else None


def _limited_until(response: httpx.Response) -> datetime | None:
    """When a refused request may be retried, if the refusal was a rate limit."""
    if response.status_code not in (403, 429):
        return None
    retry_after = response.headers.get("retry-after", "")
    if retry_after.isdigit():
        return datetime.fromtimestamp(time.time() + int(retry_after), UTC)
    if response.headers.get("x-ratelimit-remaining") == "0":
        return _reset_time(response) or datetime.fromtimestamp(
            time.time() + SECONDARY_LIMIT_SECONDS, UTC
        )
    if response.status_code == 429 or "rate limit" in response.text.lower():
        return datetime.fromtimestamp(time.time() + SECONDARY_LIMIT_SECONDS, UTC)
    return None


def _seconds_until(moment: datetime) -> float:
    return moment.timestamp() - time.time()

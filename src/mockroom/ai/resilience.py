"""Staying useful when a provider is not: retries with backoff, and a circuit breaker.

Nothing here knows about HTTP libraries: the provider turns its client's errors into
``ProviderError``s that say whether a retry could help and how long the server asked us to wait.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Literal, TypeVar

Result = TypeVar("Result")


class ProviderError(Exception):
    """A hosted call failed. ``reason`` is short and safe to store or show: no bodies, no keys."""

    def __init__(
        self, reason: str, *, retryable: bool = False, retry_after: float | None = None
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retryable = retryable
        self.retry_after = retry_after


class CircuitOpen(ProviderError):
    def __init__(self) -> None:
        super().__init__("circuit open")


class InvalidOutput(ProviderError):
    """The provider answered, but not with what the schema asks for, even after a repair."""


def retry_after_seconds(headers: Mapping[str, str], now: datetime | None = None) -> float | None:
    """The wait a 429 or 503 asks for: `retry-after-ms`, or `Retry-After` in seconds or a date."""
    milliseconds = headers.get("retry-after-ms")
    if milliseconds:
        try:
            return max(0.0, float(milliseconds) / 1000)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when: datetime = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


@dataclass(frozen=True)
class RetryPolicy:
    max_retries: int
    base_seconds: float
    max_seconds: float

    def delay(self, retry: int, retry_after: float | None = None) -> float | None:
        """Seconds to wait before retry number ``retry`` (from 1), or ``None`` to give up."""
        if retry > self.max_retries:
            return None
        if retry_after is not None:
            # The server knows best; but if it asks for longer than we allow, falling back now
            # serves the candidate better than making them wait.
            return retry_after if retry_after <= self.max_seconds else None
        ceiling = min(self.max_seconds, self.base_seconds * 2.0 ** (retry - 1))
        # Half fixed, half random: clients that failed together do not retry together.
        return ceiling / 2 + random.uniform(0, ceiling / 2)  # noqa: S311 - not a secret


async def with_retries(
    operation: Callable[[], Awaitable[Result]],
    policy: RetryPolicy,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> Result:
    retry = 0
    while True:
        try:
            return await operation()
        except ProviderError as error:
            if not error.retryable:
                raise
            retry += 1
            wait = policy.delay(retry, error.retry_after)
            if wait is None:
                raise
            await sleep(wait)


CircuitState = Literal["closed", "open", "half_open"]


class CircuitBreaker:
    """Stops calling a provider after ``threshold`` failures in a row, for ``cooldown_seconds``.

    After the cool-down one trial call goes through (half-open): success closes the circuit,
    failure opens it for another cool-down. Meanwhile calls fail fast with ``CircuitOpen``.
    """

    def __init__(
        self,
        threshold: int,
        cooldown_seconds: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.threshold = threshold
        self.cooldown_seconds = cooldown_seconds
        self.clock = clock
        self.failures = 0
        self._opened_at: float | None = None
        self._trial_running = False

    @property
    def state(self) -> CircuitState:
        if self._opened_at is None:
            return "closed"
        if self.clock() - self._opened_at < self.cooldown_seconds:
            return "open"
        return "half_open"

    @contextmanager
    def protect(self) -> Iterator[None]:
        """Admit a call or raise ``CircuitOpen``; a ``ProviderError`` in the call is a failure."""
        state = self.state
        if state == "open" or (state == "half_open" and self._trial_running):
            raise CircuitOpen()
        trial = state == "half_open"
        self._trial_running = self._trial_running or trial
        try:
            yield
        except ProviderError:
            self._failed(trial)
            raise
        except BaseException:
            # Cancelled or broken on our side: no verdict on the provider.
            if trial:
                self._trial_running = False
            raise
        else:
            self._succeeded()

    def _succeeded(self) -> None:
        self.failures = 0
        self._opened_at = None
        self._trial_running = False

    def _failed(self, trial: bool) -> None:
        if trial:
            self._trial_running = False
            self._opened_at = self.clock()
            return
        self.failures += 1
        if self.failures >= self.threshold:
            self._opened_at = self.clock()

"""Retry timing, Retry-After parsing and the circuit breaker's states, on a clock we control."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from mockroom.ai.resilience import (
    CircuitBreaker,
    CircuitOpen,
    ProviderError,
    RetryPolicy,
    retry_after_seconds,
    with_retries,
)


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_retry_after_in_seconds_milliseconds_or_as_a_date() -> None:
    now = datetime(2030, 1, 1, 12, 0, tzinfo=UTC)
    assert retry_after_seconds({"retry-after": "2"}) == 2.0
    assert retry_after_seconds({"retry-after-ms": "250", "retry-after": "9"}) == 0.25
    later = format_datetime(now + timedelta(seconds=30), usegmt=True)
    assert retry_after_seconds({"retry-after": later}, now=now) == pytest.approx(30)
    assert retry_after_seconds({"retry-after": "soon"}) is None
    assert retry_after_seconds({}) is None
    assert retry_after_seconds({"retry-after": "-5"}) == 0.0


def test_backoff_grows_with_jitter_and_gives_up() -> None:
    policy = RetryPolicy(max_retries=3, base_seconds=1.0, max_seconds=3.0)
    first = [policy.delay(1) for _ in range(50)]
    third = [policy.delay(3) for _ in range(50)]
    assert all(delay is not None and 0.5 <= delay <= 1.0 for delay in first)
    assert all(delay is not None and 1.5 <= delay <= 3.0 for delay in third), "capped at max"
    assert len(set(first)) > 1, "jittered"
    assert policy.delay(4) is None
    assert policy.delay(1, retry_after=2.5) == 2.5
    assert policy.delay(1, retry_after=10) is None, "longer than allowed: give up now"


async def test_only_retryable_errors_are_retried() -> None:
    waits: list[float] = []
    attempts = 0

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    async def flaky() -> str:
        nonlocal attempts
        attempts += 1
        if attempts < 3:
            raise ProviderError("server error (502)", retryable=True, retry_after=0.1)
        return "done"

    policy = RetryPolicy(max_retries=2, base_seconds=1.0, max_seconds=5.0)
    assert await with_retries(flaky, policy, sleep) == "done"
    assert waits == [0.1, 0.1]

    async def rejected() -> str:
        raise ProviderError("request rejected (400)")

    with pytest.raises(ProviderError, match="rejected"):
        await with_retries(rejected, policy, sleep)
    assert len(waits) == 2


def _fail(breaker: CircuitBreaker) -> None:
    with pytest.raises(ProviderError), breaker.protect():
        raise ProviderError("timeout")


def test_the_circuit_opens_after_the_threshold_and_half_opens_after_the_cooldown() -> None:
    clock = Clock()
    breaker = CircuitBreaker(threshold=3, cooldown_seconds=10, clock=clock)
    for _ in range(2):
        _fail(breaker)
    assert breaker.state == "closed"
    with breaker.protect():
        pass
    assert breaker.failures == 0, "a success resets the count"
    for _ in range(3):
        _fail(breaker)
    assert breaker.state == "open"
    with pytest.raises(CircuitOpen), breaker.protect():
        pass

    clock.now += 10
    assert breaker.state == "half_open"
    # While the one trial call runs, a second call is refused; the trial's success closes it.
    with breaker.protect(), pytest.raises(CircuitOpen), breaker.protect():
        pass
    assert breaker.state == "closed"


def test_a_failed_trial_reopens_and_a_cancelled_one_frees_the_slot() -> None:
    clock = Clock()
    breaker = CircuitBreaker(threshold=1, cooldown_seconds=5, clock=clock)
    _fail(breaker)
    clock.now += 5
    _fail(breaker)
    assert breaker.state == "open"

    clock.now += 5
    with pytest.raises(asyncio.CancelledError), breaker.protect():
        raise asyncio.CancelledError
    assert breaker.state == "half_open"
    with breaker.protect():
        pass
    assert breaker.state == "closed"

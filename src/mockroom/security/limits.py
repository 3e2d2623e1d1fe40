"""The app's limits: sign-in and registration lockouts, AI-heavy work per user, live messages.

Sign-in failures are counted per IP address and per account. The account is keyed by the email
as typed, known or not, so a locked account and an unknown one answer alike. Registration counts
every attempt, since a flood of successful sign-ups is the abuse it guards against.
Emails never reach the store in the clear; a digest names the key.
"""

from __future__ import annotations

import hashlib
from enum import StrEnum

from mockroom.config import Settings
from mockroom.security.ratelimit import (
    Limiter,
    LimitStore,
    Lockout,
    MemoryStore,
    Rate,
    TooManyRequests,
    wait_text,
)
from mockroom.security.redis_store import RedisStore

HOUR = 60 * 60
SIGN_IN_WINDOW = 15 * 60


class AiTask(StrEnum):
    INTERVIEW = "interview"
    ANSWER = "answer"
    STUDY_PLAN = "study_plan"


AI_MESSAGES = {
    AiTask.INTERVIEW: "You have created many interviews in the last hour. Try again in {wait}.",
    AiTask.ANSWER: "Answers are arriving faster than this server grades them. Try again in {wait}.",
    AiTask.STUDY_PLAN: "You have rebuilt your study plan many times lately. Try again in {wait}.",
}


def _account(email: str) -> str:
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]


class RateLimits:
    def __init__(self, limiter: Limiter, settings: Settings) -> None:
        self.limiter = limiter
        first, longest = float(settings.lockout_seconds), float(settings.lockout_max_seconds)
        self.sign_in_per_account = Lockout(
            settings.sign_in_failures_per_account, SIGN_IN_WINDOW, first, longest
        )
        self.sign_in_per_ip = Lockout(
            settings.sign_in_failures_per_ip, SIGN_IN_WINDOW, first, longest
        )
        self.registration_per_ip = Lockout(settings.registrations_per_ip, HOUR, first, longest)
        self.registration_per_email = Lockout(
            settings.registrations_per_email, HOUR, first, longest
        )
        self.ai = {
            AiTask.INTERVIEW: Rate(settings.interviews_per_hour, HOUR),
            AiTask.ANSWER: Rate(settings.answers_per_hour, HOUR),
            AiTask.STUDY_PLAN: Rate(settings.study_plans_per_hour, HOUR),
        }
        self.websocket_messages = Rate(settings.websocket_messages_per_minute, 60)

    async def check_sign_in(self, ip_address: str, email: str) -> None:
        """Refuse while the address or the account is locked; the password is not even checked."""
        wait = max(
            await self.limiter.locked_for(f"sign-in:ip:{ip_address}"),
            await self.limiter.locked_for(f"sign-in:account:{_account(email)}"),
        )
        if wait > 0:
            raise self._sign_in_refused(wait)

    async def sign_in_failed(self, ip_address: str, email: str) -> TooManyRequests | None:
        """Count a wrong password; the refusal to give instead, when this one starts a lockout."""
        locked = max(
            await self.limiter.count(f"sign-in:ip:{ip_address}", self.sign_in_per_ip),
            await self.limiter.count(
                f"sign-in:account:{_account(email)}", self.sign_in_per_account
            ),
        )
        return self._sign_in_refused(locked) if locked > 0 else None

    async def sign_in_succeeded(self, email: str) -> None:
        """The account's failures so far are forgiven, not its lockouts: an attack that resumes
        after the owner signs in still meets the longer lockout. The address is not forgiven,
        or one valid password would reset a count run up against many accounts."""
        await self.limiter.pardon(f"sign-in:account:{_account(email)}")

    async def register(self, ip_address: str, email: str) -> None:
        by_ip, by_email = f"register:ip:{ip_address}", f"register:account:{_account(email)}"
        wait = max(await self.limiter.locked_for(by_ip), await self.limiter.locked_for(by_email))
        if wait > 0:
            raise TooManyRequests(
                wait, f"Too many sign-up attempts. Try again in {wait_text(wait)}."
            )
        await self.limiter.count(by_ip, self.registration_per_ip)
        await self.limiter.count(by_email, self.registration_per_email)

    async def spend(self, task: AiTask, user_id: int) -> None:
        wait = await self.limiter.take(f"ai:{task.value}:{user_id}", self.ai[task])
        if wait > 0:
            raise TooManyRequests(wait, AI_MESSAGES[task].format(wait=wait_text(wait)))

    async def websocket_message(self, connection_id: str) -> None:
        """One message on a live connection; the key is the connection, not the user."""
        wait = await self.limiter.take(f"ws:{connection_id}", self.websocket_messages)
        if wait > 0:
            raise TooManyRequests(
                wait, f"Slow down: too many messages. Try again in {wait_text(wait)}."
            )

    async def close(self) -> None:
        await self.limiter.close()

    @staticmethod
    def _sign_in_refused(wait: float) -> TooManyRequests:
        return TooManyRequests(
            wait, f"Too many failed sign-in attempts. Try again in {wait_text(wait)}."
        )


def rate_limits_for(settings: Settings) -> RateLimits:
    store: LimitStore = RedisStore(settings.redis_url) if settings.redis_url else MemoryStore()
    return RateLimits(Limiter(store, prefix=settings.rate_limit_prefix), settings)

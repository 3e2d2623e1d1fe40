"""Registration, sign-in, browser sessions and API tokens. No HTTP objects here.

Every check of a password goes through the rate limits (per address and per account, with a
lockout that grows), and every security event is written to the audit log.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from mockroom.audit.schemas import AuditEventType, Origin
from mockroom.audit.service import AuditLog
from mockroom.auth import tokens
from mockroom.auth.passwords import hash_password, verify_password
from mockroom.auth.repository import AuthRepository
from mockroom.auth.schemas import Credentials, Registration
from mockroom.db.base import utcnow
from mockroom.db.row_security import set_actor
from mockroom.errors import AppError, Conflict, NotAuthenticated, NotFound, ValidationFailed
from mockroom.models import ApiToken, AuthSession, User
from mockroom.security.limits import RateLimits

API_TOKEN_PREFIX = "mr_"  # noqa: S105 (a public prefix, not a secret)


class InvalidCredentials(AppError):
    status = 401
    default_message = "The email or password is incorrect."


class WrongPassword(ValidationFailed):
    default_message = "The password is incorrect."


@dataclass(frozen=True)
class SignedIn:
    user: User
    session: AuthSession
    token: str


class AuthService:
    def __init__(self, session: AsyncSession, session_days: int = 14) -> None:
        self.repository = AuthRepository(session)
        self.audit = AuditLog(session)
        self.session_days = session_days

    async def register(
        self, registration: Registration, origin: Origin, limits: RateLimits
    ) -> User:
        await limits.register(origin.ip_address, registration.email)
        if await self.repository.user_by_email(registration.email) is not None:
            raise Conflict("An account with this email already exists. Sign in instead.")
        user = User(
            email=registration.email,
            display_name=registration.display_name,
            password_hash=hash_password(registration.password),
            preferred_languages=[],
        )
        await self.repository.add_user(user)
        await set_actor(self.repository.session, user.id)
        await self.audit.record(AuditEventType.ACCOUNT_CREATED, origin, user.id)
        return user

    async def authenticate(
        self, credentials: Credentials, origin: Origin, limits: RateLimits
    ) -> User:
        """The user, or a refusal: InvalidCredentials, or TooManyRequests while locked out.

        A failure is recorded before the refusal is raised; the caller must let the request's
        transaction commit it (answer the error rather than let it propagate).
        """
        await limits.check_sign_in(origin.ip_address, credentials.email)
        user = await self.repository.user_by_email(credentials.email)
        password_hash = user.password_hash if user else None
        if verify_password(password_hash, credentials.password) and user is not None:
            await set_actor(self.repository.session, user.id)
            await limits.sign_in_succeeded(credentials.email)
            await self.audit.record(AuditEventType.SIGN_IN_SUCCEEDED, origin, user.id)
            return user
        refusal = await limits.sign_in_failed(origin.ip_address, credentials.email)
        await self.audit.record(
            AuditEventType.SIGN_IN_FAILED,
            origin,
            user.id if user else None,
            locked_seconds=refusal.retry_after if refusal else 0,
        )
        raise refusal or InvalidCredentials()

    async def confirm_password(
        self, user: User, password: str, origin: Origin, limits: RateLimits, *, field: str
    ) -> None:
        """Check the password of someone already signed in, before a change that needs it.

        Wrong guesses count against the same limits as sign-in, so a borrowed session cannot
        be used to try passwords.
        """
        await limits.check_sign_in(origin.ip_address, user.email)
        if verify_password(user.password_hash, password):
            await limits.sign_in_succeeded(user.email)
            return
        refusal = await limits.sign_in_failed(origin.ip_address, user.email)
        if refusal:
            raise refusal
        raise WrongPassword(detail=[{"field": field, "message": WrongPassword.default_message}])

    async def start_session(self, user: User, user_agent: str, ip_address: str) -> SignedIn:
        token = tokens.new_token()
        now = utcnow()
        row = AuthSession(
            user_id=user.id,
            token_hash=tokens.digest(token),
            csrf_token=tokens.new_token(),
            user_agent=user_agent[:300],
            ip_address=ip_address[:64],
            created_at=now,
            last_seen_at=now,
            expires_at=now + timedelta(days=self.session_days),
        )
        await self.repository.add(row)
        return SignedIn(user=user, session=row, token=token)

    async def resume_session(self, token: str) -> tuple[User, AuthSession] | None:
        now = utcnow()
        row = await self.repository.live_session(tokens.digest(token), now)
        if row is None:
            return None
        # The session's token is the proof: from here on, its owner is acting.
        await set_actor(self.repository.session, row.user_id)
        user = await self.repository.user_by_id(row.user_id)
        if user is None:
            return None
        # Writing on every request would make each page view a write; a minute is precise enough.
        if (now - row.last_seen_at).total_seconds() > 60:
            await self.repository.touch_session(row.id, now)
        return user, row

    async def end_session(self, token: str) -> None:
        await self.repository.delete_session(tokens.digest(token))

    async def issue_api_token(self, user: User, name: str, origin: Origin) -> tuple[ApiToken, str]:
        token = tokens.new_token(API_TOKEN_PREFIX)
        row = ApiToken(
            user_id=user.id,
            name=name,
            prefix=token[:10],
            token_hash=tokens.digest(token),
            created_at=utcnow(),
        )
        await self.repository.add(row)
        await self.audit.record(
            AuditEventType.TOKEN_CREATED, origin, user.id, name=row.name, prefix=row.prefix
        )
        return row, token

    async def user_for_api_token(self, token: str) -> User:
        row = await self.repository.live_api_token(tokens.digest(token))
        if row is not None:
            await set_actor(self.repository.session, row.user_id)
        user = await self.repository.user_by_id(row.user_id) if row else None
        if row is None or user is None:
            raise NotAuthenticated("The API token is not valid or was revoked.")
        row.last_used_at = utcnow()
        return user

    async def api_tokens(self, user: User, limit: int = 100) -> list[ApiToken]:
        """The newest ``limit`` tokens, revoked ones included."""
        return await self.repository.api_tokens_of(user.id, limit)

    async def revoke_api_token(self, user: User, token_id: int, origin: Origin) -> ApiToken:
        row = await self.repository.api_token_of(user.id, token_id)
        if row is None:
            raise NotFound("No such API token.")
        if row.revoked_at is None:
            row.revoked_at = utcnow()
            await self.audit.record(
                AuditEventType.TOKEN_REVOKED, origin, user.id, name=row.name, prefix=row.prefix
            )
        return row

"""Managing one's own account: password, browser sessions, the export, deletion. No HTTP here."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from mockroom.account.repository import AccountRepository
from mockroom.account.schemas import AccountExport, PasswordChange
from mockroom.ai.service import AiUsageService
from mockroom.audit.schemas import AuditEventType, Origin
from mockroom.audit.service import AuditLog
from mockroom.auth.passwords import hash_password
from mockroom.auth.service import AuthService
from mockroom.db.base import utcnow
from mockroom.errors import NotFound
from mockroom.models import ApiToken, AuditEvent, AuthSession, User
from mockroom.security.limits import RateLimits


class AccountService:
    def __init__(
        self, session: AsyncSession, user: User, origin: Origin, limits: RateLimits
    ) -> None:
        self.repository = AccountRepository(session)
        self.ai_usage = AiUsageService(session, user.id)
        self.auth = AuthService(session)
        self.audit = AuditLog(session)
        self.user = user
        self.origin = origin
        self.limits = limits

    async def sessions(self, limit: int = 100) -> list[AuthSession]:
        """The ``limit`` most recently active sessions."""
        return await self.repository.live_sessions_of(self.user.id, utcnow(), limit)

    async def revoke_session(self, session_id: int) -> AuthSession:
        row = await self.repository.session_of(self.user.id, session_id)
        if row is None:
            raise NotFound("No such session.")
        await self.repository.delete_session(row)
        await self.audit.record(
            AuditEventType.SESSION_REVOKED, self.origin, self.user.id, user_agent=row.user_agent
        )
        return row

    async def api_tokens(self) -> list[ApiToken]:
        return await self.auth.api_tokens(self.user)

    async def revoke_api_token(self, token_id: int) -> ApiToken:
        return await self.auth.revoke_api_token(self.user, token_id, self.origin)

    async def events(self, *, before_id: int | None, limit: int) -> list[AuditEvent]:
        return await self.audit.page(self.user.id, before_id=before_id, limit=limit)

    async def change_password(self, change: PasswordChange, keep_session_id: int | None) -> int:
        """Set the new password and sign out every other browser; return how many were."""
        await self.auth.confirm_password(
            self.user, change.current_password, self.origin, self.limits, field="current_password"
        )
        self.user.password_hash = hash_password(change.new_password)
        self.user.updated_at = utcnow()
        ended = await self.repository.delete_sessions_except(self.user.id, keep_session_id)
        await self.audit.record(
            AuditEventType.PASSWORD_CHANGED, self.origin, self.user.id, sessions_ended=ended
        )
        return ended

    async def export(self) -> AccountExport:
        # Recorded first, so the export includes the event of its own making.
        await self.audit.record(AuditEventType.DATA_EXPORTED, self.origin, self.user.id)
        return AccountExport(
            exported_at=utcnow(), tables=await self.repository.exported_tables(self.user.id)
        )

    async def delete(self, password: str) -> None:
        await self.auth.confirm_password(
            self.user, password, self.origin, self.limits, field="password"
        )
        user_id = self.user.id
        await self.repository.delete_user(user_id)
        # The account's own log went with it; this record says only that an account was closed.
        await self.audit.record(
            AuditEventType.ACCOUNT_DELETED, self.origin, None, former_user_id=user_id
        )

"""GitHub rules: signing in, linking and unlinking, syncing, and when data is stale.

No HTTP objects here. A sync records its own failure (the message, a rate-limit reset, a
revoked token) on the account and returns it instead of raising, so the record survives
the request; the caller decides how to show it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from mockroom.audit.schemas import AuditEventType, Origin
from mockroom.audit.service import AuditLog
from mockroom.db.base import utcnow
from mockroom.errors import AppError, Conflict, NotFound
from mockroom.github import oauth
from mockroom.github.analysis import analyse
from mockroom.github.client import (
    GithubClient,
    GithubError,
    GithubNotFound,
    GithubRateLimited,
    GithubRefused,
    GithubUnauthorized,
)
from mockroom.github.oauth import Grant, PendingLink
from mockroom.github.personalisation import snapshot_of
from mockroom.github.repository import GithubRepository
from mockroom.github.schemas import (
    GithubProfileData,
    GithubStatus,
    LinkKind,
    RepositoryData,
    Snapshot,
)
from mockroom.github.sealing import AT_REST, Sealer, Unreadable
from mockroom.github.settings import GithubSettings
from mockroom.github.sync import Fetcher, fetch_profile, fetch_repositories
from mockroom.models import GithubAccount, User

logger = logging.getLogger("mockroom.github")

# After a failed automatic refresh, wait this long before trying again on another page view.
AUTOMATIC_RETRY = timedelta(minutes=15)


class NoVerifiedEmail(AppError):
    status = 400
    default_message = (
        "GitHub did not share a verified primary email address, so no account can be made "
        "from it. Verify your primary email on GitHub (it can stay private), or create an "
        "account with a password and link GitHub from Settings."
    )


class UnknownGithubUser(NotFound):
    def __init__(self, login: str) -> None:
        super().__init__(f"GitHub has no user named {login}.")


@dataclass(frozen=True)
class Identity:
    """Who a fresh access token belongs to, and their verified primary email if shared."""

    profile: GithubProfileData
    verified_email: str | None


class GithubService:
    def __init__(self, session: AsyncSession, settings: GithubSettings, secret_key: str) -> None:
        self.repository = GithubRepository(session)
        self.audit = AuditLog(session)
        self.settings = settings
        self.tokens = Sealer(secret_key, AT_REST)

    # ------------------------------------------------------------------------ reading

    async def status(self, user: User) -> GithubStatus:
        account = await self.repository.account_of(user.id)
        snapshot = snapshot_of(user) if account else None
        return GithubStatus(
            linked=account is not None,
            login=account.login if account else None,
            linked_via=_kind(account.linked_via) if account else None,
            synced_at=user.github_synced_at if account else None,
            stale=account is not None and self._out_of_date(user),
            last_error=account.last_error if account else None,
            rate_limited_until=_future(account.rate_limited_until) if account else None,
            oauth_available=self.settings.oauth_enabled,
            profile=snapshot.profile if snapshot else None,
            profile_url=snapshot.profile_url if snapshot else None,
            analysis=snapshot.analysis if snapshot else None,
            notes=snapshot.notes if snapshot else [],
        )

    def _out_of_date(self, user: User) -> bool:
        synced = user.github_synced_at
        return synced is None or utcnow() - synced > timedelta(hours=self.settings.stale_hours)

    async def needs_refresh(self, user: User) -> bool:
        """Stale, and worth trying now: not rate-limited, not just failed."""
        account = await self.repository.account_of(user.id)
        if account is None or not self._out_of_date(user):
            return False
        if _future(account.rate_limited_until) is not None:
            return False
        attempted = account.sync_attempted_at
        return attempted is None or utcnow() - attempted > AUTOMATIC_RETRY

    async def refresh_for(self, user_id: int) -> None:
        """The background refresh: this user acts, and their data is synced if still stale."""
        user = await self.repository.act_as(user_id)
        if user is not None and await self.needs_refresh(user):
            await self.sync(user)

    # ------------------------------------------------------------------------ OAuth

    async def identify(self, grant: Grant) -> Identity:
        """The GitHub user behind a new token, with their verified primary email."""
        async with GithubClient(self.settings, grant.access_token) as client:
            profile = await fetch_profile(Fetcher(client, {}), None)
            try:
                emails = (await client.get("user/emails")).data
            except (GithubRefused, GithubNotFound):
                # The token lacks the user:email scope (an older grant, or an Enterprise
                # policy): treat it as an email GitHub would not share.
                emails = []
        return Identity(profile=profile, verified_email=_verified_primary(emails))

    async def sign_in(self, identity: Identity, grant: Grant, origin: Origin) -> User | PendingLink:
        """The user this GitHub identity signs in as, a new one, or a link awaiting a password.

        An existing account with the same email is never linked here: whoever holds the
        GitHub account must first prove they also hold the mockroom one.
        """
        account = await self.repository.oauth_account(identity.profile.id)
        if account is not None:
            user = await self.repository.act_as(account.user_id)
            assert user is not None
            self._store_grant(account, identity.profile, grant)
            await self.audit.record(
                AuditEventType.SIGN_IN_SUCCEEDED, origin, user.id, method="github"
            )
            if await self.needs_refresh(user):
                await self.sync(user)
            return user
        email = identity.verified_email
        if email is None:
            raise NoVerifiedEmail()
        existing = await self.repository.user_by_email(email)
        if existing is not None:
            return PendingLink(
                user_id=existing.id,
                github_id=identity.profile.id,
                login=identity.profile.login,
                access_token=grant.access_token,
                scopes=grant.scopes,
            )
        user = User(
            email=email,
            display_name=(identity.profile.name or identity.profile.login)[:100],
            password_hash=None,
            preferred_languages=[],
        )
        await self.repository.add_user(user)
        await self.audit.record(AuditEventType.ACCOUNT_CREATED, origin, user.id, method="github")
        await self.link_oauth(user, identity.profile, grant, origin)
        await self.sync(user)
        snapshot = snapshot_of(user)
        # Nobody chose a level for an account made this way; GitHub's estimate is a start.
        if snapshot is not None and snapshot.analysis.level is not None:
            user.experience_level = snapshot.analysis.level
        return user

    async def link_oauth(
        self, user: User, profile: GithubProfileData, grant: Grant, origin: Origin
    ) -> None:
        owner = await self.repository.oauth_account(profile.id)
        if owner is not None and owner.user_id != user.id:
            raise Conflict("This GitHub account is already linked to another mockroom account.")
        account = await self.repository.account_of(user.id)
        if account is None:
            account = GithubAccount(user_id=user.id, http_cache={}, linked_at=utcnow())
        self._store_grant(account, profile, grant)
        await self.repository.add(account)
        await self.audit.github_linked(user.id, origin, profile.login)

    async def complete_pending(self, user: User, pending: PendingLink, origin: Origin) -> bool:
        """Link the GitHub identity now that the user proved their password; False if the
        pending link belongs to another account."""
        if pending.user_id != user.id:
            return False
        profile = GithubProfileData(id=pending.github_id, login=pending.login)
        grant = Grant(access_token=pending.access_token, scopes=pending.scopes)
        await self.link_oauth(user, profile, grant, origin)
        await self.sync(user)
        return True

    def _store_grant(
        self, account: GithubAccount, profile: GithubProfileData, grant: Grant
    ) -> None:
        if account.github_id != profile.id:
            account.http_cache = {}
        account.github_id = profile.id
        account.login = profile.login
        account.linked_via = "oauth"
        account.access_token = self.tokens.seal(grant.access_token)
        account.scopes = grant.scopes
        account.last_error = None
        account.rate_limited_until = None

    # ------------------------------------------------------------------------ username

    async def link_username(self, user: User, username: str, origin: Origin) -> GithubError | None:
        """Link a public GitHub username (no OAuth) and sync it; the sync's error, if any."""
        try:
            async with GithubClient(self.settings) as client:
                fetcher = Fetcher(client, {})
                profile = await fetch_profile(fetcher, username)
        except GithubNotFound as error:
            raise UnknownGithubUser(username) from error
        account = await self.repository.account_of(user.id)
        if account is None:
            account = GithubAccount(user_id=user.id, linked_at=utcnow())
        elif account.linked_via == "oauth" and account.access_token:
            await self._revoke(account)
        # The profile just fetched primes the cache: the sync below asks only if it changed.
        account.http_cache = fetcher.cache
        account.github_id = profile.id
        account.login = profile.login
        account.linked_via = "username"
        account.access_token = None
        account.scopes = ""
        account.last_error = None
        await self.repository.add(account)
        await self.audit.github_linked(user.id, origin, profile.login)
        return await self.sync(user)

    # ------------------------------------------------------------------------ sync

    async def sync(self, user: User) -> GithubError | None:
        """Fetch and analyse the linked GitHub account now; the failure, if it failed."""
        account = await self.repository.account_of(user.id)
        if account is None:
            raise NotFound("GitHub is not linked to your account.")
        now = utcnow()
        account.sync_attempted_at = now
        token = self._token(account)
        if account.linked_via == "oauth" and token is None:
            return self._failed(account, GithubUnauthorized())
        blocked = _future(account.rate_limited_until)
        try:
            async with GithubClient(self.settings, token, blocked_until=blocked) as client:
                fetcher = Fetcher(client, dict(account.http_cache or {}))
                profile = await fetch_profile(fetcher, None if token else account.login)
                repositories = await fetch_repositories(
                    fetcher,
                    None if token else account.login,
                    limit=self.settings.repository_limit,
                    manifest_repositories=self.settings.manifest_repositories,
                )
                account.rate_limited_until = client.blocked_until
        except GithubNotFound:
            return self._failed(
                account,
                GithubNotFound(
                    f"GitHub has no user named {account.login} any more. "
                    "Link your current username in Settings."
                ),
            )
        except GithubError as error:
            return self._failed(account, error)
        account.http_cache = fetcher.cache
        account.login = profile.login
        account.last_error = None
        snapshot = Snapshot(
            profile=profile,
            profile_url=f"{self.settings.web_url}/{profile.login}",
            repositories=repositories,
            analysis=analyse(profile, repositories, web_url=self.settings.web_url, now=now),
            notes=_notes(profile, repositories),
        )
        user.github_username = profile.login
        user.github_data = snapshot.model_dump(mode="json")
        user.github_synced_at = now
        await self.repository.add(account)
        return None

    def _failed(self, account: GithubAccount, error: GithubError) -> GithubError:
        account.last_error = error.message[:500]
        if isinstance(error, GithubRateLimited):
            account.rate_limited_until = error.until
        if isinstance(error, GithubUnauthorized):
            # A revoked token is useless; keep the link so the user sees why and can redo it.
            account.access_token = None
        logger.info("github sync for user %s failed: %s", account.user_id, type(error).__name__)
        return error

    def _token(self, account: GithubAccount) -> str | None:
        if not account.access_token:
            return None
        try:
            return self.tokens.open(account.access_token)
        except Unreadable:
            # Sealed under an earlier secret key: as good as revoked.
            return None

    # ------------------------------------------------------------------------ unlink

    async def unlink(self, user: User) -> None:
        account = await self.repository.account_of(user.id)
        if account is None:
            raise NotFound("GitHub is not linked to your account.")
        if account.linked_via == "oauth" and user.password_hash is None:
            raise Conflict(
                "This account signs in only with GitHub. Set a password first, so you can "
                "still sign in once GitHub is unlinked."
            )
        await self._revoke(account)
        await self.repository.delete(account)
        user.github_username = None
        user.github_data = None
        user.github_synced_at = None

    async def _revoke(self, account: GithubAccount) -> None:
        token = self._token(account)
        if token is not None and not await oauth.revoke(self.settings, token):
            logger.info("github did not confirm revoking the grant of user %s", account.user_id)


def _kind(value: str) -> LinkKind:
    return "oauth" if value == "oauth" else "username"


def _future(moment: datetime | None) -> datetime | None:
    return moment if moment is not None and moment > utcnow() else None


def _verified_primary(emails: object) -> str | None:
    if not isinstance(emails, list):
        return None
    for entry in emails:
        if (
            isinstance(entry, dict)
            and entry.get("primary")
            and entry.get("verified")
            and isinstance(entry.get("email"), str)
        ):
            return str(entry["email"]).strip().lower()
    return None


def _notes(profile: GithubProfileData, repositories: list[RepositoryData]) -> list[str]:
    if not repositories:
        return [
            f"GitHub shows no public repositories for {profile.login}, so there is nothing to "
            "analyse yet. Interviews follow the languages in your profile settings."
        ]
    return []

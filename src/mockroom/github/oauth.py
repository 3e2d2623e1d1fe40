"""The OAuth web flow with GitHub: the authorization redirect, its state, the code exchange.

The ``state`` and the PKCE verifier travel in a sealed, ten-minute cookie scoped to the
callback path, so the flow needs no server-side session: a callback whose state does not
match the cookie's (or with no cookie at all) is refused. The code exchange goes through
Authlib's httpx client.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from typing import Any, Literal

import httpx
import httpx2
from authlib.integrations.httpx_client import AsyncOAuth2Client, OAuthError

from mockroom.errors import AppError
from mockroom.github.client import GithubError
from mockroom.github.sealing import PENDING_COOKIE, STATE_COOKIE, Sealer, Unreadable
from mockroom.github.settings import SCOPES, GithubSettings

STATE_COOKIE_NAME = "mockroom_github_oauth"
PENDING_COOKIE_NAME = "mockroom_github_pending"
CALLBACK_PATH = "/auth/github/callback"
STATE_MAX_AGE = 10 * 60
PENDING_MAX_AGE = 15 * 60

Intent = Literal["signin", "link"]


class OAuthFailed(AppError):
    status = 400
    default_message = "The GitHub sign-in expired or did not start on this site. Start it again."


class OAuthUnavailable(AppError):
    status = 404
    default_message = "Sign-in with GitHub is not configured on this server."


@dataclass(frozen=True)
class Flow:
    """One sign-in or link in progress, as kept in the state cookie."""

    state: str
    verifier: str
    intent: Intent
    user_id: int | None
    next_path: str
    redirect_uri: str


@dataclass(frozen=True)
class Grant:
    access_token: str
    scopes: str


@dataclass(frozen=True)
class PendingLink:
    """A GitHub identity waiting for the owner of ``user_id`` to prove their password."""

    user_id: int
    github_id: int
    login: str
    access_token: str
    scopes: str


def _oauth_client(settings: GithubSettings, redirect_uri: str) -> AsyncOAuth2Client:
    return AsyncOAuth2Client(
        client_id=settings.client_id,
        client_secret=settings.client_secret.get_secret_value(),
        token_endpoint_auth_method="client_secret_post",  # noqa: S106 (a method name)
        scope=SCOPES,
        redirect_uri=redirect_uri,
        code_challenge_method="S256",
        timeout=settings.timeout_seconds,
    )


async def begin(
    settings: GithubSettings,
    secret_key: str,
    *,
    redirect_uri: str,
    intent: Intent,
    user_id: int | None,
    next_path: str,
) -> tuple[str, str]:
    """The GitHub authorization URL to send the browser to, and the sealed state cookie."""
    if not settings.oauth_enabled:
        raise OAuthUnavailable()
    flow = Flow(
        state=secrets.token_urlsafe(32),
        verifier=secrets.token_urlsafe(48),
        intent=intent,
        user_id=user_id,
        next_path=next_path,
        redirect_uri=redirect_uri,
    )
    async with _oauth_client(settings, redirect_uri) as client:
        url, _ = client.create_authorization_url(
            settings.authorize_url, state=flow.state, code_verifier=flow.verifier
        )
    cookie = Sealer(secret_key, STATE_COOKIE).seal_json(flow.__dict__)
    return url, cookie


def resume(secret_key: str, cookie: str | None, returned_state: str | None) -> Flow:
    """The flow this callback belongs to; refused unless the state matches the cookie."""
    if not cookie or not returned_state:
        raise OAuthFailed()
    try:
        data = Sealer(secret_key, STATE_COOKIE).open_json(cookie, STATE_MAX_AGE)
        flow = Flow(**data)
    except (Unreadable, TypeError) as error:
        raise OAuthFailed() from error
    if not hmac.compare_digest(flow.state.encode(), returned_state.encode()):
        raise OAuthFailed()
    return flow


async def exchange(settings: GithubSettings, flow: Flow, code: str) -> Grant:
    """Trade the authorization code (and the PKCE verifier) for an access token."""
    try:
        async with _oauth_client(settings, flow.redirect_uri) as client:
            token: dict[str, Any] = await client.fetch_token(
                settings.token_url,
                grant_type="authorization_code",
                code=code,
                code_verifier=flow.verifier,
            )
    except OAuthError as error:
        raise OAuthFailed(
            "GitHub did not accept this sign-in; it may have been used already. Start again."
        ) from error
    # Authlib's client is built on httpx2, so its transport errors are httpx2's.
    except (httpx2.HTTPError, ValueError) as error:
        raise GithubError() from error
    access_token = token.get("access_token")
    if not isinstance(access_token, str) or not access_token:
        raise GithubError("GitHub's reply had no access token. Try again.")
    return Grant(access_token=access_token, scopes=str(token.get("scope", ""))[:200])


async def revoke(settings: GithubSettings, access_token: str) -> bool:
    """Ask GitHub to forget mockroom's grant; unlinking proceeds whatever the answer."""
    if not settings.oauth_enabled:
        return False
    async with httpx.AsyncClient(timeout=settings.timeout_seconds) as client:
        try:
            response = await client.request(
                "DELETE",
                f"{settings.api_url}/applications/{settings.client_id}/grant",
                auth=(settings.client_id, settings.client_secret.get_secret_value()),
                headers={"Accept": "application/vnd.github+json"},
                json={"access_token": access_token},
            )
        except httpx.HTTPError:
            return False
    return response.status_code == 204


def seal_pending(secret_key: str, pending: PendingLink) -> str:
    return Sealer(secret_key, PENDING_COOKIE).seal_json(pending.__dict__)


def open_pending(secret_key: str, cookie: str | None) -> PendingLink | None:
    if not cookie:
        return None
    try:
        return PendingLink(**Sealer(secret_key, PENDING_COOKIE).open_json(cookie, PENDING_MAX_AGE))
    except (Unreadable, TypeError):
        return None

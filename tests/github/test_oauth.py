"""Sign in with GitHub through the real OAuth flow against the fake GitHub, over real HTTP."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx
from fastapi import FastAPI
from sqlalchemy import select, text

from mockroom.github.oauth import PENDING_COOKIE_NAME, STATE_COOKIE_NAME
from mockroom.models import AuditEvent, GithubAccount, User
from tests.conftest import STRONG_PASSWORD, Database, http_client
from tests.github.conftest import gopher, oauth_round_trip
from tests.github.fake_github import CLIENT_ID, FakeGithub, query_of
from tests.web.test_pages import csrf_of, post_form, register


@dataclass(frozen=True)
class StoredUser:
    id: int
    password_hash: str | None
    github_username: str | None


async def _user(database: Database, email: str) -> StoredUser | None:
    async with database.engine.connect() as connection:
        row = (
            await connection.execute(
                select(User.id, User.password_hash, User.github_username).where(User.email == email)
            )
        ).first()
    return StoredUser(*row) if row is not None else None


async def _accounts(database: Database) -> list[tuple[int, str, str, str | None]]:
    async with database.engine.connect() as connection:
        rows = await connection.execute(
            select(
                GithubAccount.user_id,
                GithubAccount.login,
                GithubAccount.linked_via,
                GithubAccount.access_token,
            )
        )
        return [tuple(row) for row in rows]  # type: ignore[misc]


async def test_first_sign_in_creates_an_account_from_the_verified_primary_email(
    client: httpx.AsyncClient, github: FakeGithub, database: Database
) -> None:
    github.add_user(gopher("Grace@Example.com"))
    github.authorize_as = "gopher"

    started = await client.get("/auth/github/start")
    assert started.status_code == 303
    sent = query_of(started.headers["location"])
    assert started.headers["location"].startswith(f"{github.web_url}/login/oauth/authorize?")
    assert sent["client_id"] == CLIENT_ID
    assert sent["scope"] == "read:user user:email"
    assert sent["code_challenge_method"] == "S256" and sent["code_challenge"]
    assert sent["redirect_uri"] == "http://testserver/auth/github/callback"
    assert len(sent["state"]) >= 32
    assert STATE_COOKIE_NAME in client.cookies

    response = await oauth_round_trip(client)
    assert response.status_code == 303, response.text
    assert response.headers["location"] == "/dashboard"
    # The private primary email was read through /user/emails, not the public profile.
    user = await _user(database, "grace@example.com")
    assert user is not None and user.password_hash is None
    assert user.github_username == "gopher"
    accounts = await _accounts(database)
    assert [(login, via) for _, login, via, _ in accounts] == [("gopher", "oauth")]
    # The token is stored sealed, never as GitHub issued it.
    stored_token = accounts[0][3]
    assert stored_token is not None and not stored_token.startswith("gho_")
    assert all(token not in stored_token for token in github.tokens)

    dashboard = await client.get("/dashboard")
    assert "Grace Gopher" in dashboard.text
    assert "kube-autoscaler" in dashboard.text

    # Signing in again finds the same account by its GitHub id.
    await client.post("/logout", data={"csrf_token": csrf_of(dashboard)})
    again = await oauth_round_trip(client)
    assert again.status_code == 303 and again.headers["location"] == "/dashboard"
    async with database.engine.connect() as connection:
        count = await connection.scalar(text("SELECT COUNT(*) FROM users"))
        events = (await connection.execute(select(AuditEvent.event))).scalars().all()
    assert count == 1
    assert {"account_created", "github_linked", "sign_in_succeeded"} <= set(events)


async def test_the_next_page_after_github_sign_in_stays_on_this_site(
    client: httpx.AsyncClient, github: FakeGithub
) -> None:
    github.add_user(gopher())
    github.authorize_as = "gopher"
    response = await oauth_round_trip(client, "/auth/github/start?next=/interviews/new")
    assert response.headers["location"] == "/interviews/new"
    client.cookies.clear()
    response = await oauth_round_trip(client, "/auth/github/start?next=https://evil.example/")
    assert response.headers["location"] == "/dashboard"


async def test_a_callback_without_the_matching_state_is_refused(
    client: httpx.AsyncClient, app: FastAPI, github: FakeGithub, database: Database
) -> None:
    github.add_user(gopher())
    github.authorize_as = "gopher"
    started = await client.get("/auth/github/start")
    async with httpx.AsyncClient() as browser:
        authorised = await browser.get(started.headers["location"])
    back = urlsplit(authorised.headers["location"])
    code = query_of(authorised.headers["location"])["code"]

    forged = await client.get(f"{back.path}?code={code}&state=not-the-state")
    assert forged.status_code == 400
    assert "Start it again" in forged.text

    # Another browser, with no state cookie at all, cannot use the code either.
    async with http_client(app) as stranger:
        stolen = await stranger.get(f"{back.path}?{back.query}")
    assert stolen.status_code == 400
    assert await _user(database, "gopher@example.com") is None


async def test_refusing_on_github_changes_nothing(
    client: httpx.AsyncClient, github: FakeGithub, database: Database
) -> None:
    github.add_user(gopher())
    github.deny = True
    response = await oauth_round_trip(client)
    assert response.status_code == 400
    assert "GitHub did not authorise mockroom" in response.text
    assert await _user(database, "gopher@example.com") is None


async def test_a_github_account_without_a_verified_email_gets_a_clear_message(
    client: httpx.AsyncClient, github: FakeGithub, database: Database
) -> None:
    github.add_user(gopher(verified=False))
    github.authorize_as = "gopher"
    response = await oauth_round_trip(client)
    assert response.status_code == 400
    assert "verified primary email" in response.text
    assert await _accounts(database) == []


async def test_an_existing_account_is_linked_only_after_its_password(
    client: httpx.AsyncClient, github: FakeGithub, database: Database
) -> None:
    await register(client, "gopher@example.com", "Grace")
    client.cookies.clear()
    github.add_user(gopher())
    github.authorize_as = "gopher"

    response = await oauth_round_trip(client)
    assert response.status_code == 303 and response.headers["location"] == "/login"
    assert "mockroom_session" not in client.cookies
    assert PENDING_COOKIE_NAME in client.cookies
    assert await _accounts(database) == []

    login_page = await client.get("/login")
    assert "Sign in with its password to link GitHub account @gopher" in login_page.text

    wrong = await client.post(
        "/login",
        data={
            "email": "gopher@example.com",
            "password": "Wrong-Password-1",
            "csrf_token": csrf_of(login_page),
        },
    )
    assert wrong.status_code == 401
    assert await _accounts(database) == []

    right = await post_form(
        client, "/login", "/login", {"email": "gopher@example.com", "password": STRONG_PASSWORD}
    )
    assert right.status_code == 303
    assert right.headers["location"] == "/settings?done=github-linked#github"
    assert PENDING_COOKIE_NAME not in client.cookies
    user = await _user(database, "gopher@example.com")
    assert user is not None
    assert [(owner, login, via) for owner, login, via, _ in await _accounts(database)] == [
        (user.id, "gopher", "oauth")
    ]
    settings = await client.get(right.headers["location"])
    assert "GitHub is linked." in settings.text
    assert "kube-autoscaler" in settings.text


async def test_a_pending_link_is_not_given_to_another_account(
    client: httpx.AsyncClient, github: FakeGithub, database: Database
) -> None:
    await register(client, "gopher@example.com", "Grace")
    client.cookies.clear()
    await register(client, "mallory@example.com", "Mallory")
    client.cookies.clear()
    github.add_user(gopher())
    github.authorize_as = "gopher"
    await oauth_round_trip(client)

    other = await post_form(
        client, "/login", "/login", {"email": "mallory@example.com", "password": STRONG_PASSWORD}
    )
    assert other.status_code == 303 and other.headers["location"] == "/dashboard"
    assert await _accounts(database) == []


async def test_signed_in_users_link_and_unlink_github_from_settings(
    client: httpx.AsyncClient, github: FakeGithub, database: Database
) -> None:
    await register(client, "dana@example.com", "Dana")
    github.add_user(gopher())
    github.authorize_as = "gopher"
    settings = await client.get("/settings")
    assert 'href="/auth/github/start?intent=link"' in settings.text

    linked = await oauth_round_trip(client, "/auth/github/start?intent=link")
    assert linked.status_code == 303
    assert linked.headers["location"] == "/settings?done=github-linked#github"
    user = await _user(database, "dana@example.com")
    assert user is not None and user.github_username == "gopher"
    issued = list(github.tokens)
    assert len(issued) == 1

    unlinked = await post_form(client, "/settings", "/settings/github/unlink", {})
    assert unlinked.status_code == 303
    assert await _accounts(database) == []
    user = await _user(database, "dana@example.com")
    assert user is not None and user.github_username is None
    # mockroom asked GitHub to withdraw the grant, so the token no longer works.
    assert github.revoked_grants == ["gopher"]
    assert github.tokens == {}
    page = await client.get("/settings?done=github-unlinked")
    assert "GitHub is unlinked" in page.text


async def test_one_github_account_cannot_be_linked_to_two_mockroom_accounts(
    client: httpx.AsyncClient, github: FakeGithub, database: Database
) -> None:
    github.add_user(gopher())
    github.authorize_as = "gopher"
    await oauth_round_trip(client)
    client.cookies.clear()
    await register(client, "dana@example.com", "Dana")
    refused = await oauth_round_trip(client, "/auth/github/start?intent=link")
    assert refused.status_code == 409
    assert "already linked to another mockroom account" in refused.text
    dana = await _user(database, "dana@example.com")
    assert dana is not None
    assert all(owner != dana.id for owner, *_ in await _accounts(database))


async def test_an_account_made_with_github_keeps_github_until_it_has_a_password(
    client: httpx.AsyncClient, github: FakeGithub, database: Database
) -> None:
    github.add_user(gopher())
    github.authorize_as = "gopher"
    await oauth_round_trip(client)
    refused = await post_form(client, "/settings", "/settings/github/unlink", {})
    assert refused.status_code == 409
    assert "Set a password first" in refused.text
    assert len(await _accounts(database)) == 1

    weak = await post_form(
        client,
        "/settings",
        "/settings/password",
        {"password": "short", "password_confirmation": "short"},
    )
    assert weak.status_code == 422
    chosen = await post_form(
        client,
        "/settings",
        "/settings/password",
        {"password": STRONG_PASSWORD, "password_confirmation": STRONG_PASSWORD},
    )
    assert chosen.status_code == 303
    unlinked = await post_form(client, "/settings", "/settings/github/unlink", {})
    assert unlinked.status_code == 303
    assert await _accounts(database) == []
    client.cookies.clear()
    signed_in = await post_form(
        client, "/login", "/login", {"email": "gopher@example.com", "password": STRONG_PASSWORD}
    )
    assert signed_in.status_code == 303


async def test_without_oauth_settings_there_is_no_github_button(
    client: httpx.AsyncClient,
) -> None:
    login = await client.get("/login")
    assert "Continue with GitHub" not in login.text
    assert (await client.get("/auth/github/start")).status_code == 404
    assert (await client.get("/auth/github/callback?code=x&state=y")).status_code == 404


async def test_the_github_button_is_on_the_sign_in_and_sign_up_pages(
    client: httpx.AsyncClient, github: FakeGithub
) -> None:
    for path in ("/login", "/register"):
        page = await client.get(path)
        assert "Continue with GitHub" in page.text
        assert 'href="/auth/github/start' in page.text

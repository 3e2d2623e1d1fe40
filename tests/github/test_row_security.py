"""The GitHub flows as production runs them on PostgreSQL: as the app's own role, under
row-level security, where a lookup that forgets to name its credential finds nothing."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select, update

from mockroom.db.base import utcnow
from mockroom.models import GithubAccount, User
from tests.conftest import STRONG_PASSWORD, Database, http_client
from tests.db.conftest import app_role, role_app  # noqa: F401 (fixtures used below)
from tests.github.conftest import github_settings_for, gopher, oauth_round_trip
from tests.github.fake_github import FakeGithub, FakeUser
from tests.web.test_pages import csrf_of, post_form, register


@pytest.fixture
async def role_browser(
    role_app: FastAPI,  # noqa: F811 (the fixture imported above)
    fake_github: FakeGithub,
) -> AsyncIterator[httpx.AsyncClient]:
    fake_github.reset()
    role_app.state.github_settings = github_settings_for(fake_github)
    async with http_client(role_app) as client:
        yield client


async def test_sign_in_sync_refresh_and_unlink_under_row_level_security(
    role_browser: httpx.AsyncClient, fake_github: FakeGithub, database: Database
) -> None:
    client = role_browser
    fake_github.add_user(gopher())
    fake_github.authorize_as = "gopher"

    created = await oauth_round_trip(client)
    assert created.status_code == 303 and created.headers["location"] == "/dashboard"
    dashboard = await client.get("/dashboard")
    assert "kube-autoscaler" in dashboard.text

    await client.post("/logout", data={"csrf_token": csrf_of(dashboard)})
    again = await oauth_round_trip(client)
    assert again.status_code == 303 and again.headers["location"] == "/dashboard"

    synced = await post_form(client, "/settings", "/settings/github/sync", {})
    assert synced.status_code == 303, synced.text

    long_ago = utcnow() - timedelta(days=3)
    async with database.engine.begin() as connection:
        await connection.execute(update(User).values(github_synced_at=long_ago))
        await connection.execute(update(GithubAccount).values(sync_attempted_at=long_ago))
    await client.get("/settings")
    async with database.engine.connect() as connection:
        refreshed = await connection.scalar(select(User.github_synced_at))
    assert refreshed is not None and refreshed > long_ago

    chosen = await post_form(
        client,
        "/settings",
        "/settings/password",
        {"password": STRONG_PASSWORD, "password_confirmation": STRONG_PASSWORD},
    )
    assert chosen.status_code == 303
    unlinked = await post_form(client, "/settings", "/settings/github/unlink", {})
    assert unlinked.status_code == 303
    async with database.engine.connect() as connection:
        assert await connection.scalar(select(GithubAccount.id)) is None


async def test_linking_after_the_password_and_refusing_a_taken_github_account(
    role_browser: httpx.AsyncClient, fake_github: FakeGithub, database: Database
) -> None:
    client = role_browser
    await register(client, "gopher@example.com", "Grace")
    client.cookies.clear()
    fake_github.add_user(gopher())
    fake_github.authorize_as = "gopher"
    pending = await oauth_round_trip(client)
    assert pending.headers["location"] == "/login"
    linked = await post_form(
        client, "/login", "/login", {"email": "gopher@example.com", "password": STRONG_PASSWORD}
    )
    assert linked.headers["location"] == "/settings?done=github-linked#github"

    # Another account cannot take the same GitHub account, though it cannot see the link.
    client.cookies.clear()
    await register(client, "otto@example.com", "Otto")
    refused = await oauth_round_trip(client, "/auth/github/start?intent=link")
    assert refused.status_code == 409

    # A public username anyone may link, even one that someone else proved with OAuth.
    fake_github.add_user(FakeUser(id=5, login="octo"))
    public = await post_form(
        client, "/settings", "/settings/github/username", {"github_username": "gopher"}
    )
    assert public.status_code == 303
    async with database.engine.connect() as connection:
        links = (await connection.execute(select(GithubAccount.linked_via))).scalars().all()
    assert sorted(links) == ["oauth", "username"]

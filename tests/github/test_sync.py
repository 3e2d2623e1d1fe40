"""Syncing from the fake GitHub: pagination, ETags, rate limits, revoked tokens, empty profiles."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy import select, update

from mockroom.db.base import utcnow
from mockroom.models import GithubAccount, User
from tests.conftest import STRONG_PASSWORD, Database, sign_up
from tests.github.conftest import gopher, oauth_round_trip
from tests.github.fake_github import FakeGithub, FakeUser
from tests.web.test_pages import post_form


async def member(client: httpx.AsyncClient, email: str = "dana@example.com") -> dict[str, str]:
    """A user with API headers and a signed-in browser session on ``client``."""
    headers = await sign_up(client, email, "Dana")
    signed_in = await post_form(
        client, "/login", "/login", {"email": email, "password": STRONG_PASSWORD}
    )
    assert signed_in.status_code == 303
    return headers


async def linked_by_oauth(client: httpx.AsyncClient, github: FakeGithub) -> dict[str, str]:
    headers = await member(client)
    github.add_user(gopher())
    github.authorize_as = "gopher"
    linked = await oauth_round_trip(client, "/auth/github/start?intent=link")
    assert linked.status_code == 303, linked.text
    return headers


async def status(client: httpx.AsyncClient, headers: dict[str, str]) -> dict[str, Any]:
    response = await client.get("/api/v1/github", headers=headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def stored_data(database: Database) -> dict[str, Any]:
    async with database.engine.connect() as connection:
        data = await connection.scalar(select(User.github_data))
    assert isinstance(data, dict)
    return data


async def test_sync_follows_every_page_and_puts_the_users_own_work_first(
    client: httpx.AsyncClient, github: FakeGithub
) -> None:
    headers = await linked_by_oauth(client, github)
    listed = github.api_requests("user/repos")
    assert [seen.query.get("page", "1") for seen in listed] == ["1", "2", "3"]
    assert all(seen.headers["authorization"].startswith("Bearer gho_") for seen in listed)
    assert all(seen.query["affiliation"] == "owner" for seen in listed)

    body = await status(client, headers)
    assert body["linked"] and body["linked_via"] == "oauth" and body["login"] == "gopher"
    assert body["profile"]["name"] == "Grace Gopher"
    assert body["profile_url"] == f"{github.web_url}/gopher"
    # Languages were fetched for the user's own repositories only, never for the fork.
    asked = {seen.path for seen in github.api_requests("repos/")}
    assert "/api/v3/repos/gopher/kube-autoscaler/languages" in asked
    assert not any("go-forked-lib" in path for path in asked)
    assert "/api/v3/repos/gopher/kube-autoscaler/contents/go.mod" in asked


async def test_the_repository_limit_stops_paging_once_enough_own_work_is_found(
    client: httpx.AsyncClient, app: FastAPI, github: FakeGithub, database: Database
) -> None:
    app.state.github_settings = app.state.github_settings.model_copy(update={"repository_limit": 2})
    await linked_by_oauth(client, github)
    assert [seen.query.get("page", "1") for seen in github.api_requests("user/repos")] == [
        "1",
        "2",
    ]
    data = await stored_data(database)
    assert [repository["name"] for repository in data["repositories"]] == [
        "kube-autoscaler",
        "ratelimit-go",
    ]


async def test_a_second_sync_asks_with_etags_and_keeps_what_did_not_change(
    client: httpx.AsyncClient, github: FakeGithub, database: Database
) -> None:
    headers = await linked_by_oauth(client, github)
    first = await stored_data(database)
    before = len(github.requests)

    again = await client.post("/api/v1/github/sync", headers=headers)
    assert again.status_code == 200, again.text
    second_sync = github.requests[before:]
    assert second_sync
    assert all("if-none-match" in seen.headers for seen in second_sync)
    assert {seen.status for seen in second_sync} == {304}
    assert await stored_data(database) == first

    # A change on GitHub changes that reply's ETag, so it is fetched and stored anew.
    github.users["gopher"].repositories[1].topics.append("golang")
    before = len(github.requests)
    changed = await client.post("/api/v1/github/sync", headers=headers)
    assert changed.status_code == 200
    assert 200 in {seen.status for seen in github.requests[before:]}
    data = await stored_data(database)
    ratelimit = next(item for item in data["repositories"] if item["name"] == "ratelimit-go")
    assert "golang" in ratelimit["topics"]


async def test_a_spent_rate_limit_is_reported_and_github_is_not_asked_again_until_reset(
    client: httpx.AsyncClient, github: FakeGithub, database: Database
) -> None:
    headers = await linked_by_oauth(client, github)
    kept = await stored_data(database)
    github.users["gopher"].repositories[0].stars = 999  # so a full sync would change data
    github.limit(remaining=3, reset_in=3600)

    before = len(github.requests)
    refused = await client.post("/api/v1/github/sync", headers=headers)
    assert refused.status_code == 429
    assert "limit for mockroom is used up until" in refused.json()["error"]
    assert refused.json()["detail"]["retry_after"]
    # The third reply said the budget was spent: nothing more was sent, not even a refusal.
    assert len(github.requests[before:]) == 3
    assert 403 not in {seen.status for seen in github.requests[before:]}
    assert await stored_data(database) == kept

    before = len(github.requests)
    page = await post_form(client, "/settings", "/settings/github/sync", {})
    assert page.status_code == 429
    assert "used up until" in page.text
    assert github.requests[before:] == []
    body = await status(client, headers)
    assert body["rate_limited_until"] is not None
    assert "used up until" in body["last_error"]


async def test_a_rate_limit_that_lifts_within_seconds_is_waited_for(
    client: httpx.AsyncClient, github: FakeGithub, database: Database
) -> None:
    headers = await linked_by_oauth(client, github)
    github.users["gopher"].repositories[0].stars = 241
    github.limit(remaining=0, reset_in=2)
    before = len(github.requests)
    started = time.monotonic()
    synced = await client.post("/api/v1/github/sync", headers=headers)
    assert synced.status_code == 200, synced.text
    assert time.monotonic() - started >= 0.5
    # Refused once, then asked again only after the reset time.
    assert [seen.status for seen in github.requests[before:]].count(403) == 1
    data = await stored_data(database)
    assert data["repositories"][0]["stars"] == 241

    # A secondary limit's Retry-After is honoured the same way.
    github.retry_after = 1
    before = len(github.requests)
    synced = await client.post("/api/v1/github/sync", headers=headers)
    assert synced.status_code == 200
    assert [seen.status for seen in github.requests[before:]].count(403) == 1


async def test_a_revoked_token_is_reported_and_forgotten(
    client: httpx.AsyncClient, github: FakeGithub, database: Database
) -> None:
    headers = await linked_by_oauth(client, github)
    github.revoke_all_tokens()
    page = await post_form(client, "/settings", "/settings/github/sync", {})
    assert page.status_code == 409
    assert "revoked" in page.text and "Link GitHub again" in page.text
    async with database.engine.connect() as connection:
        token = await connection.scalar(select(GithubAccount.access_token))
    assert token is None
    body = await status(client, headers)
    assert body["linked"] and "revoked" in body["last_error"]

    # Without a token nothing is sent; the same message comes back at once.
    before = len(github.requests)
    again = await client.post("/api/v1/github/sync", headers=headers)
    assert again.status_code == 409
    assert github.requests[before:] == []

    # Linking again with GitHub restores access.
    relinked = await oauth_round_trip(client, "/auth/github/start?intent=link")
    assert relinked.status_code == 303
    assert (await status(client, headers))["last_error"] is None


async def test_a_profile_without_public_repositories_gets_a_clear_note(
    client: httpx.AsyncClient, github: FakeGithub
) -> None:
    headers = await member(client)
    github.add_user(FakeUser(id=7, login="newcomer", name="New Comer"))
    linked = await client.put(
        "/api/v1/github/username", json={"username": "newcomer"}, headers=headers
    )
    assert linked.status_code == 200, linked.text
    body = linked.json()
    assert body["analysis"]["languages"] == [] and body["analysis"]["notable"] == []
    assert "no public repositories" in body["notes"][0]
    settings = await client.get("/settings")
    assert "no public repositories" in settings.text


async def test_a_public_username_is_read_through_the_public_api_without_a_token(
    client: httpx.AsyncClient, github: FakeGithub, database: Database
) -> None:
    headers = await member(client)
    github.add_user(gopher())
    linked = await client.put(
        "/api/v1/github/username", json={"username": "@Gopher"}, headers=headers
    )
    assert linked.status_code == 200, linked.text
    body = linked.json()
    assert body["linked_via"] == "username" and body["login"] == "gopher"
    assert body["analysis"]["languages"][0]["name"] == "Go"
    assert all("authorization" not in seen.headers for seen in github.api_requests())
    assert github.api_requests("users/gopher/repos")
    assert not github.api_requests("user/")
    async with database.engine.connect() as connection:
        token = await connection.scalar(select(GithubAccount.access_token))
    assert token is None


async def test_unknown_and_malformed_usernames_are_refused_clearly(
    client: httpx.AsyncClient, github: FakeGithub, database: Database
) -> None:
    headers = await member(client)
    unknown = await client.put(
        "/api/v1/github/username", json={"username": "nobody-here"}, headers=headers
    )
    assert unknown.status_code == 404
    assert unknown.json()["error"] == "GitHub has no user named nobody-here."
    malformed = await client.put(
        "/api/v1/github/username", json={"username": "-bad--name"}, headers=headers
    )
    assert malformed.status_code == 422
    page = await post_form(
        client, "/settings", "/settings/github/username", {"github_username": "nobody-here"}
    )
    assert page.status_code == 404
    assert "GitHub has no user named nobody-here." in page.text
    async with database.engine.connect() as connection:
        assert await connection.scalar(select(GithubAccount.id)) is None


async def test_stale_data_is_refreshed_after_the_page_is_sent(
    client: httpx.AsyncClient, github: FakeGithub, database: Database
) -> None:
    headers = await linked_by_oauth(client, github)
    long_ago = utcnow() - timedelta(days=3)
    async with database.engine.begin() as connection:
        await connection.execute(update(User).values(github_synced_at=long_ago))
        await connection.execute(update(GithubAccount).values(sync_attempted_at=long_ago))
    assert (await status(client, headers))["stale"] is True

    before = len(github.requests)
    page = await client.get("/interviews/new")
    assert page.status_code == 200
    # The refresh ran after the page (the ASGI transport waits for background tasks).
    assert len(github.requests) > before
    body = await status(client, headers)
    assert body["stale"] is False
    assert body["synced_at"] > long_ago.isoformat()


async def test_every_user_sees_only_their_own_github_link(
    client: httpx.AsyncClient, github: FakeGithub
) -> None:
    await linked_by_oauth(client, github)
    client.cookies.clear()
    other = await sign_up(client, "otto@example.com", "Otto")
    body = await status(client, other)
    assert body["linked"] is False and body["profile"] is None
    assert (await client.post("/api/v1/github/sync", headers=other)).status_code == 404
    assert (await client.delete("/api/v1/github", headers=other)).status_code == 404
    assert (await client.get("/api/v1/github")).status_code == 401

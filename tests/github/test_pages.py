"""The settings page, the dashboard's GitHub card, and the GitHub API's shape."""

from __future__ import annotations

import httpx
from sqlalchemy import select

from mockroom.models import User
from tests.conftest import Database
from tests.github.conftest import gopher
from tests.github.fake_github import FakeGithub
from tests.web.test_pages import post_form, register


async def test_the_dashboard_card_invites_linking_then_shows_the_profile(
    client: httpx.AsyncClient, github: FakeGithub
) -> None:
    await register(client)
    before = await client.get("/dashboard")
    assert "Your GitHub" in before.text
    assert 'href="/settings#github"' in before.text and "Link GitHub" in before.text

    github.add_user(gopher())
    await post_form(client, "/settings", "/settings/github/username", {"github_username": "gopher"})
    card = (await client.get("/dashboard")).text
    assert 'src="https://avatars.example.test/u/101"' in card
    assert f'href="{github.web_url}/gopher"' in card and "@gopher" in card
    assert "Top languages" in card
    assert 'role="img" aria-label="Share of your code by language: Go' in card
    assert "<rect" in card
    assert "Kubernetes" in card
    assert f'href="{github.web_url}/gopher/kube-autoscaler"' in card
    assert "240 stars" in card


async def test_the_settings_page_saves_the_profile_and_refuses_bad_input(
    client: httpx.AsyncClient, github: FakeGithub, database: Database
) -> None:
    await register(client)
    page = await client.get("/settings")
    assert page.status_code == 200
    assert 'action="/settings/profile"' in page.text
    assert 'action="/settings/github/username"' in page.text
    assert "Choose a password" not in page.text  # this account has one

    saved = await post_form(
        client,
        "/settings",
        "/settings/profile",
        {
            "display_name": "Dana Q",
            "experience_level": "senior",
            "preferred_languages": "Go, python, go, ",
        },
    )
    assert saved.status_code == 303 and saved.headers["location"] == "/settings?done=profile-saved"
    async with database.engine.connect() as connection:
        row = (
            await connection.execute(
                select(User.display_name, User.experience_level, User.preferred_languages)
            )
        ).one()
    assert tuple(row) == ("Dana Q", "senior", ["Go", "python"])
    assert "Your profile is saved." in (await client.get(saved.headers["location"])).text

    refused = await post_form(
        client,
        "/settings",
        "/settings/profile",
        {"display_name": "", "experience_level": "wizard", "preferred_languages": ""},
    )
    assert refused.status_code == 422
    assert "This field is required." in refused.text
    assert "Choose one of the options." in refused.text


async def test_settings_actions_need_the_forms_csrf_token(
    client: httpx.AsyncClient, github: FakeGithub
) -> None:
    await register(client)
    for action in ("/settings/profile", "/settings/github/sync", "/settings/github/unlink"):
        assert (await client.post(action, data={})).status_code == 403


async def test_sync_and_unlink_without_a_link_say_so(
    client: httpx.AsyncClient, github: FakeGithub
) -> None:
    await register(client)
    synced = await post_form(client, "/settings", "/settings/github/sync", {})
    assert synced.status_code == 404
    assert "GitHub is not linked to your account." in synced.text
    unlinked = await post_form(client, "/settings", "/settings/github/unlink", {})
    assert unlinked.status_code == 404


async def test_the_api_documents_the_github_routes(client: httpx.AsyncClient) -> None:
    document = (await client.get("/api/v1/openapi.json")).json()
    paths = document["paths"]
    assert set(paths["/api/v1/github"]) == {"get", "delete"}
    assert "put" in paths["/api/v1/github/username"]
    sync = paths["/api/v1/github/sync"]["post"]
    assert {"200", "409", "429", "502"} <= set(sync["responses"])
    assert "GithubStatus" in document["components"]["schemas"]

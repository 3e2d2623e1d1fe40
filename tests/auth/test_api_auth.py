"""Registration rules, sign-in, and personal API tokens."""

from __future__ import annotations

import httpx
import pytest

from tests.conftest import STRONG_PASSWORD, sign_up


def registration(**changes: str) -> dict[str, str]:
    return {
        "email": "carol@example.com",
        "display_name": "Carol",
        "password": STRONG_PASSWORD,
        "password_confirmation": STRONG_PASSWORD,
        **changes,
    }


@pytest.mark.parametrize(
    ("password", "missing"),
    [
        ("Sh0rt!", "at least 8 characters"),
        ("nouppercase-9", "an upper-case letter"),
        ("NOLOWERCASE-9", "a lower-case letter"),
        ("No-Digits-Here", "a digit"),
        ("NoSpecial99", "a special character"),
    ],
)
async def test_password_rules(client: httpx.AsyncClient, password: str, missing: str) -> None:
    response = await client.post(
        "/api/v1/auth/register",
        json=registration(password=password, password_confirmation=password),
    )
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert detail[0]["field"] == "password"
    assert missing in detail[0]["message"]


async def test_confirmation_must_match(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/api/v1/auth/register", json=registration(password_confirmation="Other-Horse-9")
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "password_confirmation"


async def test_duplicate_email_says_only_that_it_is_taken(client: httpx.AsyncClient) -> None:
    first = await client.post("/api/v1/auth/register", json=registration())
    assert first.status_code == 201
    assert "password_hash" not in first.json()
    again = await client.post(
        "/api/v1/auth/register", json=registration(email="CAROL@example.com", display_name="Other")
    )
    assert again.status_code == 409
    assert again.json() == {
        "error": "An account with this email already exists. Sign in instead.",
        "detail": None,
    }


async def test_wrong_password_and_unknown_email_look_the_same(client: httpx.AsyncClient) -> None:
    await client.post("/api/v1/auth/register", json=registration())
    wrong = await client.post(
        "/api/v1/auth/tokens", json={"email": "carol@example.com", "password": "Wrong-Horse-9"}
    )
    unknown = await client.post(
        "/api/v1/auth/tokens", json={"email": "nobody@example.com", "password": "Wrong-Horse-9"}
    )
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()


async def test_tokens_are_listed_without_secrets_and_can_be_revoked(
    client: httpx.AsyncClient,
) -> None:
    headers = await sign_up(client, "dave@example.com")
    me = await client.get("/api/v1/users/me", headers=headers)
    assert me.json()["email"] == "dave@example.com"
    listed = (await client.get("/api/v1/auth/tokens", headers=headers)).json()
    assert len(listed) == 1 and "token" not in listed[0] and "token_hash" not in listed[0]
    revoked = await client.delete(f"/api/v1/auth/tokens/{listed[0]['id']}", headers=headers)
    assert revoked.status_code == 200
    assert (await client.get("/api/v1/users/me", headers=headers)).status_code == 401


async def test_a_user_cannot_revoke_another_users_token(client: httpx.AsyncClient) -> None:
    alice = await sign_up(client, "alice@example.com")
    bob = await sign_up(client, "bob@example.com")
    alice_token = (await client.get("/api/v1/auth/tokens", headers=alice)).json()[0]
    attempt = await client.delete(f"/api/v1/auth/tokens/{alice_token['id']}", headers=bob)
    assert attempt.status_code == 404
    assert (await client.get("/api/v1/users/me", headers=alice)).status_code == 200


async def test_profile_update_validates(client: httpx.AsyncClient) -> None:
    headers = await sign_up(client, "erin@example.com")
    updated = await client.patch(
        "/api/v1/users/me",
        json={"experience_level": "senior", "preferred_languages": ["Go", "go", " Rust "]},
        headers=headers,
    )
    assert updated.json()["preferred_languages"] == ["Go", "Rust"]
    assert updated.json()["experience_level"] == "senior"
    invalid = await client.patch(
        "/api/v1/users/me", json={"experience_level": "wizard"}, headers=headers
    )
    assert invalid.status_code == 422

"""The security log: what is recorded, for whom, and who may read it (only its owner)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from sqlalchemy import delete, select

from mockroom.audit.schemas import AuditEventType, Origin
from mockroom.audit.service import AuditLog
from mockroom.db.engine import make_sessionmaker
from mockroom.models import AuditEvent, User
from tests.conftest import STRONG_PASSWORD, Database, sign_up
from tests.web.test_pages import post_form, register

WRONG = "Wrong-Horse-9"


async def log_of(client: httpx.AsyncClient, headers: dict[str, str], **params: Any) -> Any:
    response = await client.get("/api/v1/audit-events", headers=headers, params=params)
    assert response.status_code == 200, response.text
    return response.json()


async def user_id_of(database: Database, email: str) -> int:
    async with database.engine.connect() as connection:
        found = await connection.scalar(select(User.id).where(User.email == email))
    assert found is not None
    return int(found)


@pytest.fixture
async def unowned_events(database: Database) -> AsyncIterator[str]:
    """A user agent marking this test's events that belong to no account; removed afterwards
    (the shared cleanup deletes users, and these rows have none)."""
    marker = "audit-test-probe/1.0"
    yield marker
    async with database.engine.begin() as connection:
        await connection.execute(delete(AuditEvent).where(AuditEvent.user_agent == marker))


async def test_sign_up_sign_in_and_tokens_are_logged_newest_first(
    client: httpx.AsyncClient,
) -> None:
    alice = await sign_up(client, "alice@example.com")
    extra = await client.post(
        "/api/v1/auth/tokens",
        json={"email": "alice@example.com", "password": STRONG_PASSWORD, "name": "CI runner"},
    )
    await client.delete(f"/api/v1/auth/tokens/{extra.json()['id']}", headers=alice)
    await client.post("/api/v1/auth/tokens", json={"email": "alice@example.com", "password": WRONG})

    items = (await log_of(client, alice))["items"]
    assert [item["event"] for item in items] == [
        "sign_in_failed",
        "token_revoked",
        "token_created",
        "sign_in_succeeded",
        "token_created",
        "sign_in_succeeded",
        "account_created",
    ]
    assert items[0]["detail"] == {"locked_seconds": 0}
    assert items[1]["detail"] == {"name": "CI runner", "prefix": extra.json()["prefix"]}
    for item in items:
        assert item["ip_address"] == "127.0.0.1"
        assert item["user_agent"].startswith("python-httpx/")
    assert "token" not in items[2]["detail"]  # the secret itself is never logged


async def test_a_lockout_is_logged_on_the_account(client: httpx.AsyncClient) -> None:
    alice = await sign_up(client, "alice@example.com")
    for _ in range(5):
        await client.post(
            "/api/v1/auth/tokens", json={"email": "alice@example.com", "password": WRONG}
        )
    newest = (await log_of(client, alice))["items"][0]
    assert newest["event"] == "sign_in_failed"
    assert newest["detail"] == {"locked_seconds": 60}


async def test_a_failed_sign_in_for_an_unknown_email_belongs_to_no_one(
    client: httpx.AsyncClient, database: Database, unowned_events: str
) -> None:
    alice = await sign_up(client, "alice@example.com")
    response = await client.post(
        "/api/v1/auth/tokens",
        json={"email": "nobody@example.com", "password": WRONG},
        headers={"User-Agent": unowned_events},
    )
    assert response.status_code == 401
    async with database.engine.connect() as connection:
        rows = (
            await connection.execute(
                select(AuditEvent.user_id, AuditEvent.event).where(
                    AuditEvent.user_agent == unowned_events
                )
            )
        ).all()
    assert [tuple(row) for row in rows] == [(None, "sign_in_failed")]
    assert all(
        item["user_agent"] != unowned_events for item in (await log_of(client, alice))["items"]
    )


async def test_users_see_only_their_own_events(
    client: httpx.AsyncClient, alice: dict[str, str], bob: dict[str, str]
) -> None:
    await client.post("/api/v1/auth/tokens", json={"email": "bob@example.com", "password": WRONG})
    alices = {item["id"] for item in (await log_of(client, alice))["items"]}
    bobs = (await log_of(client, bob))["items"]
    assert alices and bobs and alices.isdisjoint({item["id"] for item in bobs})
    assert bobs[0]["event"] == "sign_in_failed"
    assert (await client.get("/api/v1/audit-events")).status_code == 401


async def test_the_log_pages_with_a_cursor(
    client: httpx.AsyncClient, alice: dict[str, str]
) -> None:
    everything = (await log_of(client, alice))["items"]
    assert len(everything) == 3
    first = await log_of(client, alice, limit=2)
    assert [item["id"] for item in first["items"]] == [item["id"] for item in everything[:2]]
    rest = await log_of(client, alice, limit=2, cursor=first["next_cursor"])
    assert [item["id"] for item in rest["items"]] == [everything[2]["id"]]
    assert rest["next_cursor"] is None
    for params in [{"limit": 0}, {"limit": 101}, {"cursor": "not-a-cursor"}]:
        response = await client.get("/api/v1/audit-events", headers=alice, params=params)
        assert response.status_code == 422


async def test_github_links_are_logged_through_the_audit_log(
    client: httpx.AsyncClient, database: Database
) -> None:
    alice = await sign_up(client, "alice@example.com")
    user_id = await user_id_of(database, "alice@example.com")
    async with make_sessionmaker(database.engine)() as session:
        await AuditLog(session).github_linked(
            user_id, Origin(ip_address="192.0.2.5", user_agent="Browser"), "octocat"
        )
        await session.commit()
    newest = (await log_of(client, alice))["items"][0]
    assert newest["event"] == AuditEventType.GITHUB_LINKED
    assert newest["detail"] == {"github_login": "octocat"}
    assert newest["ip_address"] == "192.0.2.5"


async def test_the_account_pages_show_the_log(
    client: httpx.AsyncClient, database: Database
) -> None:
    await register(client, email="dana@example.com")
    await post_form(client, "/dashboard", "/logout", {})
    await post_form(client, "/login", "/login", {"email": "dana@example.com", "password": WRONG})
    await post_form(
        client, "/login", "/login", {"email": "dana@example.com", "password": STRONG_PASSWORD}
    )
    account = (await client.get("/account")).text
    for text in ["Signed in", "Failed sign-in attempt", "Account created"]:
        assert text in account
    assert 'href="/account/security-log"' in account

    # Enough events for two pages of the full log.
    user_id = await user_id_of(database, "dana@example.com")
    async with make_sessionmaker(database.engine)() as session:
        audit = AuditLog(session)
        for number in range(30):
            origin = Origin(ip_address="192.0.2.9", user_agent=f"Agent {number:02d}")
            await audit.record(AuditEventType.DATA_EXPORTED, origin, user_id)
        await session.commit()
    first = (await client.get("/account/security-log")).text
    assert first.count('class="interview-item"') == 25
    assert "Agent 29" in first and "Agent 05" in first and "Agent 04" not in first
    older = first.split('href="/account/security-log?before=')[1].split('"')[0]
    second = (await client.get(f"/account/security-log?before={older}")).text
    assert "Agent 04" in second and "Account created" in second and "Agent 05" not in second
    assert "← Newest" in second

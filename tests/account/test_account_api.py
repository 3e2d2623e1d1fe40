"""Account management over the API: password change, browser sessions, export, deletion."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import delete, select

from mockroom.account.repository import AccountRepository, is_secret, ownership_paths
from mockroom.db.base import Base
from mockroom.db.engine import make_sessionmaker
from mockroom.models import AuditEvent
from tests.account.helpers import (
    SEALED_GITHUB_TOKEN,
    fill_every_table,
    sign_in_browser,
    user_tables,
)
from tests.conftest import STRONG_PASSWORD, Database

NEW_PASSWORD = "Battery-Staple-42"


@pytest.fixture
async def browsers(app: FastAPI) -> AsyncIterator[list[httpx.AsyncClient]]:
    """Two more browsers, each with its own cookie jar."""
    clients = [
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app),
            base_url="http://testserver",
            headers={"User-Agent": f"Browser {number}"},
        )
        for number in (1, 2)
    ]
    yield clients
    for browser in clients:
        await browser.aclose()


def change(current: str, new: str, confirmation: str | None = None) -> dict[str, str]:
    return {
        "current_password": current,
        "new_password": new,
        "new_password_confirmation": new if confirmation is None else confirmation,
    }


async def test_changing_the_password_signs_out_every_browser(
    client: httpx.AsyncClient, alice: dict[str, str], browsers: list[httpx.AsyncClient]
) -> None:
    for browser in browsers:
        await sign_in_browser(browser, "alice@example.com")
    url = "/api/v1/account/password"
    refusals = [
        (change("Wrong-Horse-9", NEW_PASSWORD), "current_password", "password is incorrect"),
        (change(STRONG_PASSWORD, "weakling"), "new_password", "an upper-case letter"),
        (change(STRONG_PASSWORD, STRONG_PASSWORD), "new_password", "different from the current"),
        (change(STRONG_PASSWORD, NEW_PASSWORD, "Other-42!x"), "new_password_confirmation", "match"),
    ]
    for body, field, message in refusals:
        refused = await client.post(url, json=body, headers=alice)
        assert refused.status_code == 422, body
        detail = refused.json()["detail"]
        assert detail[0]["field"] == field and message in detail[0]["message"]

    changed = await client.post(url, json=change(STRONG_PASSWORD, NEW_PASSWORD), headers=alice)
    assert changed.status_code == 200
    assert changed.json() == {"sessions_ended": 2}
    for browser in browsers:
        assert (await browser.get("/account")).status_code == 303  # signed out
    assert (await client.get("/api/v1/users/me", headers=alice)).status_code == 200  # tokens stay
    old = {"email": "alice@example.com", "password": STRONG_PASSWORD}
    assert (await client.post("/api/v1/auth/tokens", json=old)).status_code == 401
    new = {"email": "alice@example.com", "password": NEW_PASSWORD}
    assert (await client.post("/api/v1/auth/tokens", json=new)).status_code == 201
    events = (await client.get("/api/v1/audit-events", headers=alice)).json()["items"]
    changed_event = next(item for item in events if item["event"] == "password_changed")
    assert changed_event["detail"] == {"sessions_ended": 2}


async def test_wrong_current_passwords_count_toward_the_lockout(
    client: httpx.AsyncClient, alice: dict[str, str]
) -> None:
    statuses = []
    for _ in range(5):
        response = await client.post(
            "/api/v1/account/password", json=change("Wrong-Horse-9", NEW_PASSWORD), headers=alice
        )
        statuses.append(response.status_code)
    assert statuses == [422, 422, 422, 422, 429]
    assert response.headers["retry-after"] == "60"
    right = await client.post(
        "/api/v1/account/password", json=change(STRONG_PASSWORD, NEW_PASSWORD), headers=alice
    )
    assert right.status_code == 429  # locked: not even the right password is checked


async def test_browser_sessions_are_listed_and_signed_out_by_their_owner_only(
    client: httpx.AsyncClient,
    alice: dict[str, str],
    bob: dict[str, str],
    browsers: list[httpx.AsyncClient],
) -> None:
    await sign_in_browser(browsers[0], "alice@example.com")
    listed = (await client.get("/api/v1/account/sessions", headers=alice)).json()
    assert [item["user_agent"] for item in listed] == ["Browser 1"]
    assert "token_hash" not in listed[0] and "csrf_token" not in listed[0]
    assert (await client.get("/api/v1/account/sessions", headers=bob)).json() == []

    session_id = listed[0]["id"]
    stranger = await client.delete(f"/api/v1/account/sessions/{session_id}", headers=bob)
    assert stranger.status_code == 404
    assert (await browsers[0].get("/account")).status_code == 200

    ended = await client.delete(f"/api/v1/account/sessions/{session_id}", headers=alice)
    assert ended.status_code == 200 and ended.json()["id"] == session_id
    assert (await browsers[0].get("/account")).status_code == 303
    again = await client.delete(f"/api/v1/account/sessions/{session_id}", headers=alice)
    assert again.status_code == 404
    events = (await client.get("/api/v1/audit-events", headers=alice)).json()["items"]
    assert events[0]["event"] == "session_revoked"
    assert events[0]["detail"] == {"user_agent": "Browser 1"}


async def two_full_accounts(
    client: httpx.AsyncClient,
    alice: dict[str, str],
    bob: dict[str, str],
    browser: httpx.AsyncClient,
    database: Database,
) -> int:
    """Alice and Bob each with a row in every table, Alice signed in in a browser; her id."""
    alice_id = await fill_every_table(client, alice, database, "alice@example.com")
    await fill_every_table(client, bob, database, "bob@example.com")
    await sign_in_browser(browser, "alice@example.com")
    return alice_id


async def test_the_export_holds_every_table_with_my_rows_and_no_secrets(
    client: httpx.AsyncClient,
    alice: dict[str, str],
    bob: dict[str, str],
    browsers: list[httpx.AsyncClient],
    database: Database,
) -> None:
    alice_id = await two_full_accounts(client, alice, bob, browsers[0], database)

    response = await client.get("/api/v1/account/export", headers=alice)
    assert response.status_code == 200
    tables = response.json()["tables"]
    assert set(tables) == user_tables(), "a table holds user rows but is not exported"
    for name, rows in tables.items():
        assert rows, f"nothing exported from {name}"
        for row in rows:
            assert not any(is_secret(column) for column in row), name
            if "user_id" in row:
                assert row["user_id"] == alice_id, name
    assert [row["id"] for row in tables["users"]] == [alice_id]
    interview_ids = {row["id"] for row in tables["interviews"]}
    assert {row["interview_id"] for row in tables["interview_questions"]} <= interview_ids
    assert tables["audit_events"][-1]["event"] == "data_exported"
    raw = response.text
    assert SEALED_GITHUB_TOKEN not in raw and "$argon2" not in raw
    assert alice["Authorization"].removeprefix("Bearer ") not in raw
    assert "bob@example.com" not in raw and "Everything of bob" not in raw


def test_only_credentials_are_withheld_from_the_export() -> None:
    withheld = {
        f"{table.name}.{column.name}"
        for table in Base.metadata.sorted_tables
        for column in table.columns
        if is_secret(column.name)
    }
    assert withheld == {
        "users.password_hash",
        "auth_sessions.token_hash",
        "auth_sessions.csrf_token",
        "api_tokens.token_hash",
        "github_accounts.access_token",
    }


def test_every_user_table_is_reached_from_users() -> None:
    paths = ownership_paths()
    assert set(paths) | {"users"} == user_tables()
    route = [
        f"{key.parent.table.name}.{key.parent.name}" for key in paths["interview_questions"][0]
    ]
    assert route == ["interview_questions.interview_id", "interviews.user_id"]


async def test_deleting_the_account_removes_every_row_and_nothing_else(
    client: httpx.AsyncClient,
    alice: dict[str, str],
    bob: dict[str, str],
    browsers: list[httpx.AsyncClient],
    database: Database,
) -> None:
    alice_id = await two_full_accounts(client, alice, bob, browsers[0], database)
    bob_before = (await client.get("/api/v1/account/export", headers=bob)).json()["tables"]

    wrong = await client.post(
        "/api/v1/account/delete", json={"password": "Wrong-Horse-9"}, headers=alice
    )
    assert wrong.status_code == 422 and wrong.json()["detail"][0]["field"] == "password"
    missing = await client.post("/api/v1/account/delete", json={}, headers=alice)
    assert missing.status_code == 422
    assert (await client.get("/api/v1/users/me", headers=alice)).status_code == 200

    deleted = await client.post(
        "/api/v1/account/delete", json={"password": STRONG_PASSWORD}, headers=alice
    )
    assert deleted.status_code == 204 and deleted.content == b""
    assert (await client.get("/api/v1/users/me", headers=alice)).status_code == 401
    assert (await browsers[0].get("/account")).status_code == 303
    signing_in = {"email": "alice@example.com", "password": STRONG_PASSWORD}
    assert (await client.post("/api/v1/auth/tokens", json=signing_in)).status_code == 401

    async with make_sessionmaker(database.engine)() as session:
        left = await AccountRepository(session).exported_tables(alice_id)
        closed = (
            await session.execute(
                select(AuditEvent.user_id, AuditEvent.detail).where(
                    AuditEvent.event == "account_deleted"
                )
            )
        ).all()
        await session.execute(delete(AuditEvent).where(AuditEvent.event == "account_deleted"))
        await session.commit()
    assert {name: rows for name, rows in left.items() if rows} == {}
    assert [tuple(row) for row in closed] == [(None, {"former_user_id": alice_id})]

    bob_after = (await client.get("/api/v1/account/export", headers=bob)).json()["tables"]
    for name, rows in bob_before.items():
        kept = [row["id"] for row in bob_after[name]]
        # Bob's second export records an event of its own; nothing of his went.
        assert kept[: len(rows)] == [row["id"] for row in rows], name


async def test_account_endpoints_need_a_token(client: httpx.AsyncClient) -> None:
    for method, path in [
        ("GET", "/api/v1/account/sessions"),
        ("DELETE", "/api/v1/account/sessions/1"),
        ("POST", "/api/v1/account/password"),
        ("GET", "/api/v1/account/export"),
        ("POST", "/api/v1/account/delete"),
    ]:
        response = await client.request(method, path, json={})
        assert response.status_code == 401, path
        assert json.loads(response.text)["error"]

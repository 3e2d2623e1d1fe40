"""Account management, the security log and the sign-in limits, with the app connected as its
own role on PostgreSQL, where row-level security binds every statement (tests/db/conftest.py).

The other tests connect as the superuser that owns the schema, which the policies never bind;
these make sure every write here is one the policies allow: events for nobody (a failed
sign-in with an unknown email, a deleted account), the export, the deletion itself.
"""

from __future__ import annotations

import httpx
from sqlalchemy import delete, func, select

from mockroom.models import AuditEvent, Interview, User
from tests.account.helpers import fill_every_table, sign_in_browser, user_id_of
from tests.conftest import STRONG_PASSWORD, Database, sign_up
from tests.db.conftest import app_role, role_app, role_client  # noqa: F401  (fixtures)

NEW_PASSWORD = "Battery-Staple-42"
PROBE = "row-security-probe/1.0"


async def test_sign_in_failures_are_logged_for_an_account_and_for_nobody(
    role_client: httpx.AsyncClient,  # noqa: F811
    database: Database,
) -> None:
    alice = await sign_up(role_client, "alice@example.com")
    for email in ["alice@example.com", "nobody@example.com"]:
        refused = await role_client.post(
            "/api/v1/auth/tokens",
            json={"email": email, "password": "Wrong-Horse-9"},
            headers={"User-Agent": PROBE},
        )
        assert refused.status_code == 401, refused.text
    items = (await role_client.get("/api/v1/audit-events", headers=alice)).json()["items"]
    assert items[0]["event"] == "sign_in_failed" and items[0]["user_agent"] == PROBE
    async with database.engine.begin() as connection:
        nobody = await connection.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.user_agent == PROBE, AuditEvent.user_id.is_(None))
        )
        await connection.execute(delete(AuditEvent).where(AuditEvent.user_id.is_(None)))
    assert nobody == 1


async def test_account_management_works_within_the_policies(
    role_client: httpx.AsyncClient,  # noqa: F811
    database: Database,
) -> None:
    alice = await sign_up(role_client, "alice@example.com")
    bob = await sign_up(role_client, "bob@example.com")
    alice_id = await fill_every_table(role_client, alice, database, "alice@example.com")
    await sign_in_browser(role_client, "alice@example.com")

    sessions = (await role_client.get("/api/v1/account/sessions", headers=alice)).json()
    assert len(sessions) == 1
    assert (await role_client.get("/api/v1/account/sessions", headers=bob)).json() == []
    stranger = await role_client.delete(
        f"/api/v1/account/sessions/{sessions[0]['id']}", headers=bob
    )
    assert stranger.status_code == 404

    exported = (await role_client.get("/api/v1/account/export", headers=alice)).json()["tables"]
    assert exported["interviews"] and exported["github_accounts"] and exported["audit_events"]
    assert all(row["user_id"] == alice_id for row in exported["interviews"])

    changed = await role_client.post(
        "/api/v1/account/password",
        json={
            "current_password": STRONG_PASSWORD,
            "new_password": NEW_PASSWORD,
            "new_password_confirmation": NEW_PASSWORD,
        },
        headers=alice,
    )
    assert changed.status_code == 200 and changed.json() == {"sessions_ended": 1}

    deleted = await role_client.post(
        "/api/v1/account/delete", json={"password": NEW_PASSWORD}, headers=alice
    )
    assert deleted.status_code == 204, deleted.text
    async with database.engine.begin() as connection:
        users = await connection.scalar(select(func.count()).where(User.id == alice_id))
        interviews = await connection.scalar(
            select(func.count()).select_from(Interview).where(Interview.user_id == alice_id)
        )
        closed = await connection.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.event == "account_deleted", AuditEvent.user_id.is_(None))
        )
        await connection.execute(delete(AuditEvent).where(AuditEvent.user_id.is_(None)))
    assert (users, interviews, closed) == (0, 0, 1)
    assert await user_id_of(database, "bob@example.com")

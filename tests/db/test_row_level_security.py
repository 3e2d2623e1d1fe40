"""PostgreSQL row-level security: the database itself keeps each user to their own rows.

Everything here connects as the app's own role (tests/db/conftest.py), the way production
should, and checks with the superuser's engine what really happened. On SQLite every test is
skipped: it has no row-level security.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import ColumnElement, Select, Table, delete, func, insert, select, text, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from mockroom.app import create_app
from mockroom.auth import tokens
from mockroom.config import Settings
from mockroom.db.base import Base, utcnow
from mockroom.db.migrate import upgrade_database
from mockroom.db.row_security import act_as_admin, credential_lookup, every_row, set_actor
from mockroom.errors import NotFound
from mockroom.models import GithubAccount, Interview, InterviewResponse, PerformanceMetric, User
from tests.conftest import STRONG_PASSWORD, Database, create_login_role, http_client, sign_up
from tests.db.conftest import (
    AppRole,
    drop_login_role,
    new_role_name,
    role_url,
)
from tests.web.test_pages import act, create_interview, csrf_of, post_form, register

SHARED_TABLES = {"question_bank"}
# Tables whose rows name their owner indirectly: table -> (column, parent table).
OWNED_THROUGH = {"interview_questions": ("interview_id", "interviews")}
ROW_SECURITY_VIOLATION = "row-level security"
SESSION_COOKIE = "mockroom_session"
ONE_QUESTION = {
    "interview_type": "technical",
    "difficulty": "medium",
    "question_count": 1,
    "duration_minutes": 30,
    "follow_ups": False,
}


@dataclass
class Member:
    id: int
    email: str
    headers: dict[str, str]
    session_token: str
    interview_id: int


def owned_tables() -> list[str]:
    return [name for name in Base.metadata.tables if name not in SHARED_TABLES]


def table_of(name: str) -> Table:
    return Base.metadata.tables[name]


def count_of(name: str) -> Select[int]:
    return select(func.count()).select_from(table_of(name))


def owner_column(table: str) -> str:
    if table == "users":
        return "id"
    if table in OWNED_THROUGH:
        return OWNED_THROUGH[table][0]
    if "user_id" in Base.metadata.tables[table].columns:
        return "user_id"
    raise AssertionError(f"say in this test how a row of {table} names its owner")


async def owners_of(session: AsyncSession, table: str) -> set[int | None]:
    """The user ids (or, for rows owned through a parent, the parent ids) of rows visible."""
    # No WHERE clause: exactly the query that forgot to filter by its user.
    result = await session.execute(select(table_of(table).c[owner_column(table)]).distinct())
    return {row[0] for row in result}


async def owned_ids(database: Database, table: str, member: Member) -> set[int]:
    """What ``owners_of`` may show for this member's rows, read by the superuser."""
    async with database.engine.connect() as connection:
        if table in OWNED_THROUGH:
            parent = table_of(OWNED_THROUGH[table][1])
            rows = await connection.execute(
                select(parent.c.id).where(parent.c.user_id == member.id)
            )
            return {row[0] for row in rows}
        return {member.id}


async def rows_of(database: Database, member: Member) -> dict[str, int]:
    """How many rows of each table belong to the member, counted by the superuser."""
    counts = {}
    async with database.engine.connect() as connection:
        for table in owned_tables():
            rows = table_of(table)
            mine: ColumnElement[bool]
            if table in OWNED_THROUGH:
                column, parent_name = OWNED_THROUGH[table]
                parent = table_of(parent_name)
                mine = rows.c[column].in_(select(parent.c.id).where(parent.c.user_id == member.id))
            else:
                mine = rows.c[owner_column(table)] == member.id
            query = select(func.count()).select_from(rows).where(mine)
            counts[table] = int(await connection.scalar(query) or 0)
    return counts


async def _new_member(app: FastAPI, database: Database, email: str, name: str) -> Member:
    """A member with a row in every user-owned table, made through the app as its own role."""
    async with http_client(app) as browser:
        await register(browser, email, name)
        session_token = browser.cookies[SESSION_COOKIE]
        issued = await browser.post(
            "/api/v1/auth/tokens", json={"email": email, "password": STRONG_PASSWORD}
        )
        assert issued.status_code == 201, issued.text
        headers = {"Authorization": f"Bearer {issued.json()['token']}"}
        me = (await browser.get("/api/v1/users/me", headers=headers)).json()
        created = await browser.post(
            "/api/v1/interviews", json={**ONE_QUESTION, "title": name}, headers=headers
        )
        assert created.status_code == 201, created.text
        interview_id = created.json()["id"]
        started = await browser.post(f"/api/v1/interviews/{interview_id}/start", headers=headers)
        assert started.status_code == 200, started.text
        answered = await browser.post(
            f"/api/v1/interviews/{interview_id}/answers",
            json={"answer": "An index trades slower writes and more space for faster reads."},
            headers=headers,
        )
        assert answered.status_code == 200, answered.text
        assert answered.json()["interview"]["status"] == "completed"
        planned = await browser.post("/api/v1/study-plan", headers=headers)
        assert planned.status_code == 201, planned.text
    # Linking GitHub needs GitHub; the row is what matters here, so the superuser adds it.
    async with database.engine.begin() as connection:
        await connection.execute(
            insert(GithubAccount).values(
                user_id=me["id"],
                github_id=me["id"] + 1000,
                login=f"{name.lower()}-gh",
                linked_via="oauth",
                scopes="",
                http_cache={},
                linked_at=utcnow(),
            )
        )
    return Member(me["id"], email, headers, session_token, interview_id)


@pytest.fixture
async def alice(role_app: FastAPI, database: Database) -> Member:
    return await _new_member(role_app, database, "alice@example.com", "Alice")


@pytest.fixture
async def bob(role_app: FastAPI, database: Database) -> Member:
    return await _new_member(role_app, database, "bob@example.com", "Bob")


@pytest.fixture
async def as_alice(
    app_sessions: async_sessionmaker[AsyncSession], alice: Member
) -> AsyncIterator[AsyncSession]:
    async with app_sessions() as session:
        await set_actor(session, alice.id)
        yield session
        await session.rollback()


# ------------------------------------------------------------------------------ the schema


async def test_every_user_owned_table_forces_row_level_security(
    database: Database, app_role: AppRole
) -> None:
    async with database.engine.connect() as connection:
        rows = await connection.execute(
            text(
                "SELECT relname, relrowsecurity, relforcerowsecurity,"
                " (SELECT count(*) FROM pg_policy WHERE polrelid = pg_class.oid)"
                " FROM pg_class WHERE relkind = 'r'"
                " AND relnamespace = current_schema()::regnamespace"
            )
        )
        security = {name: (enabled, forced, policies) for name, enabled, forced, policies in rows}
        bypass = await connection.scalar(
            text("SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = :role"),
            {"role": app_role.name},
        )
    for table in owned_tables():
        enabled, forced, policies = security[table]
        assert enabled and forced, f"{table} must enable and force row-level security"
        assert policies >= 2, f"{table} needs its owner's policy and the every-row path"
    assert security["question_bank"][:2] == (False, False)
    assert bypass is False, "the test role must be one that row-level security binds"


# ------------------------------------------------------------------------------ reading


async def test_a_query_that_forgets_its_user_filter_sees_only_the_actors_rows(
    database: Database, as_alice: AsyncSession, alice: Member, bob: Member
) -> None:
    for table in owned_tables():
        visible = await owners_of(as_alice, table)
        assert visible, f"alice should see her own rows of {table}"
        assert visible <= await owned_ids(database, table, alice), table
        assert (await rows_of(database, bob))[table] > 0, f"bob has rows in {table} too"
    # The ORM's plain queries are filtered the same way.
    interviews = (await as_alice.scalars(select(Interview))).all()
    assert [row.user_id for row in interviews] == [alice.id]


async def test_without_an_actor_nothing_user_owned_is_visible(
    app_sessions: async_sessionmaker[AsyncSession], alice: Member, bob: Member
) -> None:
    async with app_sessions() as session:
        for table in owned_tables():
            assert await session.scalar(count_of(table)) == 0, table
        assert (await session.scalar(count_of("question_bank")) or 0) > 0


async def test_the_actor_holds_across_commits_and_ends_with_the_session(
    app_sessions: async_sessionmaker[AsyncSession], alice: Member
) -> None:
    async with app_sessions() as session:
        await set_actor(session, alice.id)
        connection_id = await session.scalar(text("SELECT pg_backend_pid()"))
        await session.commit()
        # A new transaction after the commit, as when a service commits mid-request.
        assert await session.scalar(text("SELECT count(*) FROM interviews")) == 1
    async with app_sessions() as session:
        # The same pooled connection, a new session: nobody is acting any more.
        assert await session.scalar(text("SELECT pg_backend_pid()")) == connection_id
        assert await session.scalar(text("SELECT count(*) FROM interviews")) == 0
        assert await session.scalar(text("SELECT current_setting('mockroom.user_id')")) == ""


# ------------------------------------------------------------------------------ writing


async def test_writes_to_another_users_rows_change_nothing(
    database: Database, as_alice: AsyncSession, alice: Member, bob: Member
) -> None:
    before = await rows_of(database, bob)
    for table in owned_tables():
        if table == "audit_events":
            continue  # append-only: see the next test
        rows = table_of(table)
        column = rows.c[owner_column(table)]
        # Users may not change ids at all, so rewrite a column they may change.
        rewritten = rows.c["email" if table == "users" else owner_column(table)]
        bobs = column == (bob.interview_id if table in OWNED_THROUGH else bob.id)
        changed = await as_alice.execute(update(rows).where(bobs).values({rewritten: rewritten}))
        removed = await as_alice.execute(delete(rows).where(bobs))
        assert (changed.rowcount, removed.rowcount) == (0, 0), table  # type: ignore[attr-defined]
    await as_alice.commit()
    assert await rows_of(database, bob) == before


async def test_the_security_log_cannot_be_changed_even_by_its_owner(
    app_sessions: async_sessionmaker[AsyncSession], alice: Member
) -> None:
    for statement in ("UPDATE audit_events SET event = 'x'", "DELETE FROM audit_events"):
        async with app_sessions() as session:
            await set_actor(session, alice.id)
            with pytest.raises(DBAPIError, match="permission denied"):
                await session.execute(text(statement))


async def test_rows_cannot_be_written_for_another_user_or_under_their_rows(
    app_sessions: async_sessionmaker[AsyncSession], database: Database, alice: Member, bob: Member
) -> None:
    async with database.engine.connect() as connection:
        bobs_question = await connection.scalar(
            text("SELECT id FROM interview_questions WHERE interview_id = :id"),
            {"id": bob.interview_id},
        )
    now = utcnow()
    forged = [
        Interview(
            user_id=bob.id,
            title="Planted",
            interview_type="technical",
            difficulty="easy",
            question_count=1,
            duration_minutes=30,
            focus_topics=[],
            created_at=now,
            updated_at=now,
        ),
        # Alice's own id, hung under Bob's question or interview.
        InterviewResponse(
            interview_question_id=bobs_question, user_id=alice.id, answer_text="mine now"
        ),
        PerformanceMetric(
            user_id=alice.id, interview_id=bob.interview_id, metric_name="overall", score=100
        ),
    ]
    for row in forged:
        async with app_sessions() as session:
            await set_actor(session, alice.id)
            session.add(row)
            with pytest.raises(DBAPIError, match=ROW_SECURITY_VIOLATION):
                await session.flush()
    async with app_sessions() as session:
        await set_actor(session, alice.id)
        with pytest.raises(DBAPIError, match=ROW_SECURITY_VIOLATION):
            await session.execute(
                text("UPDATE interviews SET user_id = :bob WHERE user_id = :alice"),
                {"bob": bob.id, "alice": alice.id},
            )


async def test_nobody_can_make_an_administrator_through_the_app(
    app_sessions: async_sessionmaker[AsyncSession], alice: Member
) -> None:
    async with app_sessions() as session:
        await set_actor(session, alice.id)
        with pytest.raises(DBAPIError, match="permission denied"):
            await session.execute(text("UPDATE users SET is_admin = true"))
    async with app_sessions() as session:
        with pytest.raises(DBAPIError, match=ROW_SECURITY_VIOLATION):
            async with credential_lookup(session, email="mallory@example.com"):
                session.add(User(email="mallory@example.com", display_name="M", is_admin=True))
                await session.flush()


async def test_deleting_an_account_removes_all_its_rows(
    app_sessions: async_sessionmaker[AsyncSession], database: Database, alice: Member, bob: Member
) -> None:
    bobs_rows = await rows_of(database, bob)
    async with app_sessions() as session:
        await set_actor(session, alice.id)
        deleted = await session.execute(text("DELETE FROM users"))
        await session.commit()
    assert deleted.rowcount == 1  # type: ignore[attr-defined]
    assert set((await rows_of(database, alice)).values()) == {0}
    assert await rows_of(database, bob) == bobs_rows


# ------------------------------------------------------------------------------ the paths


async def test_a_credential_shows_only_the_row_it_names(
    app_sessions: async_sessionmaker[AsyncSession], alice: Member, bob: Member
) -> None:
    async with app_sessions() as session:
        async with credential_lookup(session, email=alice.email):
            assert (await session.execute(text("SELECT id FROM users"))).all() == [(alice.id,)]
            assert await session.scalar(text("SELECT count(*) FROM interviews")) == 0
        async with credential_lookup(session, token_hash=tokens.digest(alice.session_token)):
            owners = (await session.execute(text("SELECT user_id FROM auth_sessions"))).all()
            assert owners == [(alice.id,)]
            assert await session.scalar(text("SELECT count(*) FROM users")) == 0
        api_token = bob.headers["Authorization"].removeprefix("Bearer ")
        async with credential_lookup(session, token_hash=tokens.digest(api_token)):
            owners = (await session.execute(text("SELECT user_id FROM api_tokens"))).all()
            assert owners == [(bob.id,)]
        async with credential_lookup(session, github_id=alice.id + 1000):
            owners = (await session.execute(text("SELECT user_id FROM github_accounts"))).all()
            assert owners == [(alice.id,)]
        # Once the block ends, the credential shows nothing any more.
        for table in ("users", "auth_sessions", "api_tokens", "github_accounts"):
            assert await session.scalar(count_of(table)) == 0, table


async def test_administrators_see_every_row_only_through_the_explicit_path(
    app_sessions: async_sessionmaker[AsyncSession], database: Database, alice: Member, bob: Member
) -> None:
    async with database.engine.begin() as connection:
        await connection.execute(
            text("UPDATE users SET is_admin = true WHERE id = :id"), {"id": alice.id}
        )
    async with app_sessions() as session:
        await set_actor(session, alice.id)
        assert await session.scalar(text("SELECT count(*) FROM interviews")) == 1
        admin = await session.get(User, alice.id)
        assert admin is not None
        await act_as_admin(session, admin)
        assert await session.scalar(text("SELECT count(*) FROM interviews")) == 2
        await session.commit()
        assert await session.scalar(text("SELECT count(*) FROM users")) == 2
    async with app_sessions() as session:
        await set_actor(session, bob.id)
        member = await session.get(User, bob.id)
        assert member is not None
        with pytest.raises(NotFound):
            await act_as_admin(session, member)
        assert await session.scalar(text("SELECT count(*) FROM interviews")) == 1


async def test_every_row_lasts_only_for_its_block(
    app_sessions: async_sessionmaker[AsyncSession], alice: Member, bob: Member
) -> None:
    async with app_sessions() as session:
        async with every_row(session):
            assert await session.scalar(text("SELECT count(*) FROM interviews")) == 2
        assert await session.scalar(text("SELECT count(*) FROM interviews")) == 0
        await set_actor(session, alice.id)
        with pytest.raises(RuntimeError):
            async with every_row(session):
                assert await session.scalar(text("SELECT count(*) FROM interviews")) == 2
                raise RuntimeError("the block failed")
        # The same transaction goes on, as the actor alone.
        assert await session.scalar(text("SELECT count(*) FROM interviews")) == 1


# ------------------------------------------------------------------------------ the app


async def test_the_whole_app_works_as_its_own_role(
    role_client: httpx.AsyncClient, role_app: FastAPI
) -> None:
    alice = await sign_up(role_client, "alice@example.com", "Alice")
    bob = await sign_up(role_client, "bob@example.com", "Bob")
    taken = await role_client.post(
        "/api/v1/auth/register",
        json={
            "email": "alice@example.com",
            "display_name": "Again",
            "password": STRONG_PASSWORD,
            "password_confirmation": STRONG_PASSWORD,
        },
    )
    assert taken.status_code == 409
    wrong = await role_client.post(
        "/api/v1/auth/tokens", json={"email": "alice@example.com", "password": "Wrong-Horse-9"}
    )
    assert wrong.status_code == 401
    unknown = await role_client.post(
        "/api/v1/auth/tokens", json={"email": "nobody@example.com", "password": STRONG_PASSWORD}
    )
    assert unknown.status_code == 401

    created = await role_client.post(
        "/api/v1/interviews",
        json={**ONE_QUESTION, "title": "Role check", "question_count": 2},
        headers=alice,
    )
    assert created.status_code == 201, created.text
    interview_id = created.json()["id"]
    base = f"/api/v1/interviews/{interview_id}"
    assert (await role_client.post(f"{base}/start", headers=alice)).status_code == 200
    for _ in range(2):
        answered = await role_client.post(
            f"{base}/answers",
            json={"answer": "A cache keeps hot data close; invalidation is the hard part."},
            headers=alice,
        )
        assert answered.status_code == 200, answered.text
    report = await role_client.get(f"{base}/report", headers=alice)
    assert report.status_code == 200, report.text
    assert len(report.json()["items"]) == 2
    assert (await role_client.post("/api/v1/study-plan", headers=alice)).status_code == 201
    assert (await role_client.get("/api/v1/ai/usage", headers=alice)).status_code == 200

    for path in (base, f"{base}/report", f"{base}/responses"):
        assert (await role_client.get(path, headers=bob)).status_code == 404, path
    assert (await role_client.get("/api/v1/interviews", headers=bob)).json()["items"] == []

    tokens_listed = (await role_client.get("/api/v1/auth/tokens", headers=alice)).json()
    revoked = await role_client.delete(
        f"/api/v1/auth/tokens/{tokens_listed[0]['id']}", headers=alice
    )
    assert revoked.status_code == 200
    assert (await role_client.get("/api/v1/users/me", headers=alice)).status_code == 401


async def test_the_pages_work_as_the_apps_own_role(role_client: httpx.AsyncClient) -> None:
    await register(role_client, "dana@example.com", "Dana")
    assert (await role_client.get("/dashboard")).status_code == 200
    interview_id = await create_interview(role_client)
    room = await role_client.get(f"/interviews/{interview_id}")
    assert room.status_code == 200
    assert (await role_client.get("/interviews")).status_code == 200
    signed_out = await post_form(role_client, "/dashboard", "/logout", {})
    assert signed_out.status_code == 303
    assert (await role_client.get("/dashboard")).status_code == 303


def _answer_over_the_socket(
    settings: Settings, interview_id: int, cookie: str, csrf_token: str
) -> list[dict[str, Any]]:
    # httpx cannot open WebSockets; Starlette's client can, on its own loop in this thread.
    with TestClient(create_app(settings)) as browser:
        browser.cookies.set(SESSION_COOKIE, cookie)
        with browser.websocket_connect(
            f"/ws/interviews/{interview_id}", headers={"Origin": "http://testserver"}
        ) as socket:
            socket.send_json(
                {"type": "answer", "csrf_token": csrf_token, "answer": "Hash the key, then probe."}
            )
            messages = [socket.receive_json()]
            while messages[-1]["type"] not in ("evaluated", "error"):
                messages.append(socket.receive_json())
    return messages


async def test_the_live_channel_works_as_the_apps_own_role(
    role_client: httpx.AsyncClient, app_role: AppRole
) -> None:
    await register(role_client, "lee@example.com", "Lee")
    interview_id = await create_interview(role_client, question_count="1")
    assert (await act(role_client, interview_id, "start")).status_code == 303
    csrf_token = csrf_of(await role_client.get(f"/interviews/{interview_id}"))
    messages = await asyncio.to_thread(
        _answer_over_the_socket,
        app_role.settings,
        interview_id,
        role_client.cookies[SESSION_COOKIE],
        csrf_token,
    )
    assert messages[0]["type"] == "stored", messages
    assert messages[-1]["type"] == "evaluated", messages


# ------------------------------------------------------------------------------ setting up


async def test_upgrade_grants_the_apps_own_role_and_warns_of_one_that_bypasses(
    database: Database, app_role: AppRole
) -> None:
    name, password = new_role_name(), "a-test-password"
    await create_login_role(database.engine, name, password)
    try:
        settings = Settings(
            environment="test",
            database_url=role_url(database, name, password),
            migration_database_url=database.owner_url,
            data_dir=database.settings.data_dir,
        )
        upgraded = await upgrade_database(settings)
        assert upgraded.granted_role == name
        assert upgraded.role_bypasses_row_security is False
        async with database.engine.connect() as connection:
            checks = {
                "read interviews": "has_table_privilege(:role, 'interviews', 'SELECT')",
                "write interviews": "has_table_privilege(:role, 'interviews', 'INSERT')",
                "read the bank": "has_table_privilege(:role, 'question_bank', 'SELECT')",
                "write the bank": "has_table_privilege(:role, 'question_bank', 'UPDATE')",
                "rename": "has_column_privilege(:role, 'users', 'display_name', 'UPDATE')",
                "promote": "has_column_privilege(:role, 'users', 'is_admin', 'UPDATE')",
                "rewrite the log": "has_table_privilege(:role, 'audit_events', 'UPDATE')",
            }
            granted = {
                check: await connection.scalar(text(f"SELECT {expression}"), {"role": name})
                for check, expression in checks.items()
            }
        assert granted == {
            "read interviews": True,
            "write interviews": True,
            "read the bank": True,
            "write the bank": False,
            "rename": True,
            "promote": False,
            "rewrite the log": False,
        }
        as_owner = settings.model_copy(update={"database_url": database.owner_url})
        upgraded = await upgrade_database(as_owner)
        assert upgraded.granted_role is None
        assert upgraded.role_bypasses_row_security is True  # the test server's superuser
    finally:
        await drop_login_role(database, name)

"""Rate limits through real HTTP: sign-in, registration and AI-heavy work, as JSON and as pages.

The limits run on a clock the test moves (see conftest.FakeClock); the last tests run two apps,
as two workers would, against the real Redis on the real clock.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from mockroom.app import create_app
from mockroom.security.limits import RateLimits
from mockroom.security.ratelimit import Limiter, MemoryStore, TooManyRequests
from tests.conftest import STRONG_PASSWORD, Database, sign_up
from tests.security.conftest import FakeClock
from tests.web.test_pages import NEW_INTERVIEW, act, post_form, register

WRONG = "Wrong-Horse-9"
LOCKED_MESSAGE = "Too many failed sign-in attempts. Try again in 1 minute."


@asynccontextmanager
async def serving(database: Database, clock: FakeClock, **changes: Any) -> AsyncIterator[FastAPI]:
    settings = database.settings.model_copy(update=changes)
    limits = RateLimits(Limiter(MemoryStore(), clock=clock), settings)
    application = create_app(settings, limits=limits)
    async with application.router.lifespan_context(application):
        yield application


def browser(application: FastAPI, ip_address: str = "203.0.113.7") -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=application, client=(ip_address, 50000))
    return httpx.AsyncClient(transport=transport, base_url="http://testserver")


async def token_request(client: httpx.AsyncClient, email: str, password: str) -> httpx.Response:
    return await client.post("/api/v1/auth/tokens", json={"email": email, "password": password})


def assert_refused(response: httpx.Response, retry_after: int, message: str) -> None:
    assert response.status_code == 429, response.text
    assert response.headers["retry-after"] == str(retry_after)
    assert response.json() == {"error": message, "detail": {"retry_after": retry_after}}


# ---------------------------------------------------------------------------- sign-in


async def test_an_account_locks_after_failures_for_longer_each_time(
    database: Database, clock: FakeClock
) -> None:
    async with serving(database, clock) as application, browser(application) as client:
        await sign_up(client, "ana@example.com")
        for _ in range(4):
            assert (await token_request(client, "ana@example.com", WRONG)).status_code == 401
        assert_refused(await token_request(client, "ana@example.com", WRONG), 60, LOCKED_MESSAGE)
        # While locked even the right password is refused: it is not even checked.
        locked = await token_request(client, "ana@example.com", STRONG_PASSWORD)
        assert locked.status_code == 429 and locked.headers["retry-after"] == "60"
        await sign_up(client, "ben@example.com")  # another account from the same address

        clock.advance(60)
        assert (await token_request(client, "ana@example.com", STRONG_PASSWORD)).status_code == 201
        for _ in range(4):
            await token_request(client, "ana@example.com", WRONG)
        clock.advance(1)
        second = await token_request(client, "ana@example.com", WRONG)
        assert_refused(second, 120, "Too many failed sign-in attempts. Try again in 2 minutes.")


async def test_a_right_password_clears_the_account_count(
    database: Database, clock: FakeClock
) -> None:
    async with serving(database, clock) as application, browser(application) as client:
        await sign_up(client, "ana@example.com")
        for _ in range(3):
            for _ in range(4):
                assert (await token_request(client, "ana@example.com", WRONG)).status_code == 401
            ok = await token_request(client, "ana@example.com", STRONG_PASSWORD)
            assert ok.status_code == 201


async def test_unknown_and_known_emails_lock_alike(database: Database, clock: FakeClock) -> None:
    async with serving(database, clock) as application, browser(application) as client:
        await sign_up(client, "ana@example.com")
        answers = {}
        for email in ["ana@example.com", "nobody@example.com"]:
            for _ in range(4):
                await token_request(client, email, WRONG)
            answers[email] = await token_request(client, email, WRONG)
        known, unknown = answers.values()
        assert known.status_code == unknown.status_code == 429
        assert known.json() == unknown.json()


async def test_an_address_locks_across_accounts_and_others_are_unaffected(
    database: Database, clock: FakeClock
) -> None:
    async with (
        serving(database, clock, sign_in_failures_per_ip=3) as application,
        browser(application, "198.51.100.1") as attacker,
        browser(application, "198.51.100.2") as neighbour,
    ):
        await sign_up(neighbour, "ana@example.com")
        for email in ["a@example.com", "b@example.com"]:
            assert (await token_request(attacker, email, WRONG)).status_code == 401
        assert_refused(await token_request(attacker, "c@example.com", WRONG), 60, LOCKED_MESSAGE)
        refused = await token_request(attacker, "ana@example.com", STRONG_PASSWORD)
        assert refused.status_code == 429
        allowed = await token_request(neighbour, "ana@example.com", STRONG_PASSWORD)
        assert allowed.status_code == 201


async def test_the_sign_in_page_explains_a_lockout_in_the_form(
    database: Database, clock: FakeClock
) -> None:
    async with serving(database, clock) as application, browser(application) as client:
        await register(client, email="ana@example.com")
        await post_form(client, "/dashboard", "/logout", {})
        for _ in range(4):
            response = await post_form(
                client, "/login", "/login", {"email": "ana@example.com", "password": WRONG}
            )
            assert response.status_code == 401
        locked = await post_form(
            client, "/login", "/login", {"email": "ana@example.com", "password": WRONG}
        )
        assert locked.status_code == 429
        assert locked.headers["retry-after"] == "60"
        assert 'role="alert"' in locked.text and LOCKED_MESSAGE in locked.text
        assert 'value="ana@example.com"' in locked.text  # the form keeps what was typed
        assert WRONG not in locked.text


# ---------------------------------------------------------------------------- registration


def registration(email: str) -> dict[str, str]:
    return {
        "email": email,
        "display_name": "Someone",
        "password": STRONG_PASSWORD,
        "password_confirmation": STRONG_PASSWORD,
    }


async def test_registration_is_limited_per_address(database: Database, clock: FakeClock) -> None:
    async with (
        serving(database, clock, registrations_per_ip=2) as application,
        browser(application, "198.51.100.1") as client,
        browser(application, "198.51.100.2") as elsewhere,
    ):
        for email in ["a@example.com", "b@example.com"]:
            response = await client.post("/api/v1/auth/register", json=registration(email))
            assert response.status_code == 201
        refused = await client.post("/api/v1/auth/register", json=registration("c@example.com"))
        assert_refused(refused, 60, "Too many sign-up attempts. Try again in 1 minute.")
        other = await elsewhere.post("/api/v1/auth/register", json=registration("c@example.com"))
        assert other.status_code == 201

        page = await post_form(
            client,
            "/register",
            "/register",
            {**registration("d@example.com"), "display_name": "Dee"},
        )
        assert page.status_code == 429 and page.headers["retry-after"]
        assert "Too many sign-up attempts" in page.text and 'value="Dee"' in page.text


async def test_registration_is_limited_per_email(database: Database, clock: FakeClock) -> None:
    """Probing whether an email has an account ("already exists") soon stops answering."""
    async with serving(database, clock, registrations_per_email=2) as application:
        statuses = []
        for number in range(3):
            async with browser(application, f"198.51.100.{number + 1}") as client:
                response = await client.post(
                    "/api/v1/auth/register", json=registration("ana@example.com")
                )
                statuses.append(response.status_code)
        assert statuses == [201, 409, 429]


# ---------------------------------------------------------------------------- AI-heavy work


async def test_interview_creation_is_limited_per_user(database: Database, clock: FakeClock) -> None:
    async with (
        serving(database, clock, interviews_per_hour=2) as application,
        browser(application) as client,
    ):
        ana = await sign_up(client, "ana@example.com")
        ben = await sign_up(client, "ben@example.com")
        body = {"title": "Round", "question_count": 1}
        for _ in range(2):
            assert (
                await client.post("/api/v1/interviews", json=body, headers=ana)
            ).status_code == 201
        refused = await client.post("/api/v1/interviews", json=body, headers=ana)
        assert_refused(
            refused,
            1800,
            "You have created many interviews in the last hour. Try again in 30 minutes.",
        )
        assert (await client.post("/api/v1/interviews", json=body, headers=ben)).status_code == 201
        listed = (await client.get("/api/v1/interviews", headers=ana)).json()["items"]
        assert len(listed) == 2  # the refused request created nothing
        clock.advance(1800)
        assert (await client.post("/api/v1/interviews", json=body, headers=ana)).status_code == 201


async def test_answers_and_regrading_share_one_allowance(
    database: Database, clock: FakeClock
) -> None:
    async with (
        serving(database, clock, answers_per_hour=2) as application,
        browser(application) as client,
    ):
        ana = await sign_up(client, "ana@example.com")
        created = await client.post(
            "/api/v1/interviews", json={"title": "Round", "question_count": 3}, headers=ana
        )
        interview_id = created.json()["id"]
        await client.post(f"/api/v1/interviews/{interview_id}/start", headers=ana)
        answers = f"/api/v1/interviews/{interview_id}/answers"
        first = await client.post(answers, json={"answer": "Tuples are immutable."}, headers=ana)
        assert first.status_code == 200
        response_id = first.json()["response"]["id"]
        regrade = f"/api/v1/interviews/{interview_id}/responses/{response_id}/evaluate"
        assert (await client.post(regrade, headers=ana)).status_code == 200
        refused = await client.post(answers, json={"answer": "Lists can grow."}, headers=ana)
        assert refused.status_code == 429 and refused.headers["retry-after"] == "1800"
        stored = await client.get(f"/api/v1/interviews/{interview_id}/responses", headers=ana)
        assert len(stored.json()) == 1


async def test_study_plan_rebuilds_are_limited(database: Database, clock: FakeClock) -> None:
    async with (
        serving(database, clock, study_plans_per_hour=1) as application,
        browser(application) as client,
    ):
        ana = await sign_up(client, "ana@example.com")
        assert (await client.post("/api/v1/study-plan", headers=ana)).status_code == 201
        refused = await client.post("/api/v1/study-plan", headers=ana)
        assert refused.status_code == 429 and refused.headers["retry-after"] == "3600"

        await register(client, email="cy@example.com")
        assert (await post_form(client, "/study-plan", "/study-plan", {})).status_code == 303
        page = await post_form(client, "/study-plan", "/study-plan", {})
        assert page.status_code == 429 and page.headers["retry-after"] == "3600"
        assert "Too many requests" in page.text and "Try again in 1 hour" in page.text


async def test_pages_keep_what_was_typed_when_refused(database: Database, clock: FakeClock) -> None:
    async with (
        serving(database, clock, interviews_per_hour=1, answers_per_hour=1) as application,
        browser(application) as client,
    ):
        await register(client, email="ana@example.com")
        first = await post_form(client, "/interviews/new", "/interviews/new", NEW_INTERVIEW)
        assert first.status_code == 303
        interview_id = int(first.headers["location"].rsplit("/", 1)[1])
        second = await post_form(
            client, "/interviews/new", "/interviews/new", {**NEW_INTERVIEW, "title": "Second go"}
        )
        assert second.status_code == 429 and second.headers["retry-after"] == "3600"
        assert "created many interviews" in second.text and 'value="Second go"' in second.text

        await act(client, interview_id, "start")
        room = f"/interviews/{interview_id}"
        answered = await post_form(client, room, f"{room}/answer", {"answer": "Tuples are fixed."})
        assert answered.status_code == 303
        typed = "A set keeps unique items and answers membership quickly."
        refused = await post_form(client, room, f"{room}/answer", {"answer": typed})
        assert refused.status_code == 429 and refused.headers["retry-after"] == "3600"
        assert 'id="answer-error"' in refused.text and "faster than this server" in refused.text
        assert typed in refused.text  # the answer is still in the box


async def test_an_empty_answer_does_not_spend_the_allowance(
    database: Database, clock: FakeClock
) -> None:
    async with (
        serving(database, clock, answers_per_hour=1) as application,
        browser(application) as client,
    ):
        await register(client, email="ana@example.com")
        response = await post_form(client, "/interviews/new", "/interviews/new", NEW_INTERVIEW)
        interview_id = int(response.headers["location"].rsplit("/", 1)[1])
        await act(client, interview_id, "start")
        room = f"/interviews/{interview_id}"
        empty = await post_form(client, room, f"{room}/answer", {"answer": "   "})
        assert empty.status_code == 422
        real = await post_form(client, room, f"{room}/answer", {"answer": "Tuples are fixed."})
        assert real.status_code == 303


# ---------------------------------------------------------------------------- live messages


async def test_live_messages_are_limited_per_connection(
    database: Database, clock: FakeClock
) -> None:
    limits = RateLimits(
        Limiter(MemoryStore(), clock=clock),
        database.settings.model_copy(update={"websocket_messages_per_minute": 3}),
    )
    for _ in range(3):
        await limits.websocket_message("connection-1")
    with pytest.raises(TooManyRequests) as refused:
        await limits.websocket_message("connection-1")
    assert refused.value.retry_after == 20
    await limits.websocket_message("connection-2")


# ---------------------------------------------------------------------------- several workers


async def test_limits_hold_across_workers_sharing_redis(
    database: Database, redis_url: str, key_prefix: str
) -> None:
    """Two apps, as two worker processes: failures on either count toward one lockout."""
    settings = database.settings.model_copy(
        update={"redis_url": redis_url, "rate_limit_prefix": key_prefix}
    )
    workers = [create_app(settings), create_app(settings)]
    async with (
        workers[0].router.lifespan_context(workers[0]),
        workers[1].router.lifespan_context(workers[1]),
        browser(workers[0]) as first,
        browser(workers[1]) as second,
    ):
        await sign_up(first, "ana@example.com")
        for number in range(4):
            client = (first, second)[number % 2]
            assert (await token_request(client, "ana@example.com", WRONG)).status_code == 401
        assert (await token_request(first, "ana@example.com", WRONG)).status_code == 429
        locked = await token_request(second, "ana@example.com", STRONG_PASSWORD)
        assert locked.status_code == 429
        assert 55 <= int(locked.headers["retry-after"]) <= 60


async def test_the_limited_routes_document_429(client: httpx.AsyncClient) -> None:
    schema = (await client.get("/api/v1/openapi.json")).json()
    limited = [
        ("/api/v1/auth/register", "post"),
        ("/api/v1/auth/tokens", "post"),
        ("/api/v1/interviews", "post"),
        ("/api/v1/interviews/{interview_id}/answers", "post"),
        ("/api/v1/interviews/{interview_id}/responses/{response_id}/evaluate", "post"),
        ("/api/v1/study-plan", "post"),
        ("/api/v1/account/password", "post"),
        ("/api/v1/account/delete", "post"),
    ]
    for path, method in limited:
        documented = schema["paths"][path][method]["responses"]
        assert "429" in documented, path
        assert "Retry-After" in documented["429"]["headers"], path

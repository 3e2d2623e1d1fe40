"""Page hardening: security headers, cookies, CSRF on every form, CORS, escaping of user text
and of AI output on every page that shows it."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, iter_route_contexts

from mockroom.app import create_app
from mockroom.auth.deps import verify_csrf
from tests.ai.fake_openai import FakeOpenAI, hosted_engine, json_completion, running
from tests.conftest import STRONG_PASSWORD, Database, running_app
from tests.web.test_pages import act, answer, create_interview, post_form, register

STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}
SCRIPT = '<script>alert("x")</script>'
IMAGE = '<img src=x onerror="alert(1)">'
RAW_PAYLOADS = ("<script>alert", "<img src=x onerror", "<b id=")


@pytest.fixture
async def production(database: Database) -> AsyncIterator[httpx.AsyncClient]:
    settings = database.settings.model_copy(update={"environment": "production"})
    application = create_app(settings)
    async with (
        application.router.lifespan_context(application),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=application), base_url="https://testserver"
        ) as client,
    ):
        yield client


def assert_no_raw_payload(page: httpx.Response) -> None:
    for raw in RAW_PAYLOADS:
        assert raw not in page.text, (page.url, raw)


# ---------------------------------------------------------------------------- headers


async def test_pages_carry_a_strict_policy_and_no_hsts_outside_production(
    client: httpx.AsyncClient,
) -> None:
    for path in ["/", "/login", "/api/v1/openapi.json", "/no-such-page"]:
        headers = (await client.get(path)).headers
        policy = headers["content-security-policy"]
        directives = dict(item.strip().split(" ", 1) for item in policy.split(";"))
        assert directives["script-src"] == "'self'" and directives["style-src"] == "'self'"
        assert directives["frame-ancestors"] == "'none'"
        assert directives["default-src"] == "'self'" and directives["form-action"] == "'self'"
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
        assert headers["referrer-policy"] == "same-origin"
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["x-frame-options"] == "DENY"
        assert "microphone=(self)" in headers["permissions-policy"]
        assert "camera=()" in headers["permissions-policy"]
        assert headers["cross-origin-opener-policy"] == "same-origin"
        assert "strict-transport-security" not in headers, path


async def test_production_adds_hsts_and_secure_cookies(production: httpx.AsyncClient) -> None:
    page = await production.get("/login")
    assert page.headers["strict-transport-security"].startswith("max-age=")
    int(page.headers["strict-transport-security"].removeprefix("max-age="))
    csrf_cookie = next(
        value for value in page.headers.get_list("set-cookie") if value.startswith("mockroom_csrf=")
    )
    attributes = {part.strip().lower() for part in csrf_cookie.split(";")}
    assert {"httponly", "samesite=lax", "secure", "path=/"} <= attributes


async def test_the_anonymous_csrf_cookie_is_http_only(client: httpx.AsyncClient) -> None:
    page = await client.get("/register")
    cookie = next(
        value for value in page.headers.get_list("set-cookie") if value.startswith("mockroom_csrf=")
    )
    attributes = {part.strip().lower() for part in cookie.split(";")}
    assert {"httponly", "samesite=lax", "path=/"} <= attributes
    assert "secure" not in attributes  # plain HTTP in development would drop a Secure cookie


# ---------------------------------------------------------------------------- CSRF


def _depends_on(dependant: Dependant, target: object) -> bool:
    return any(
        child.call is target or _depends_on(child, target) for child in dependant.dependencies
    )


def test_every_state_changing_page_route_checks_csrf(app: FastAPI) -> None:
    """Read from the route table, so a new form without the check fails here."""
    page_routes = [
        context
        for context in iter_route_contexts(app.routes)
        if isinstance(context.original_route, APIRoute)
        and not str(context.path).startswith("/api/")
        and (context.methods or set()) & STATE_CHANGING
    ]
    assert len(page_routes) >= 15
    unchecked = [
        context.path
        for context in page_routes
        if not _depends_on(context.original_route.dependant, verify_csrf)
    ]
    assert unchecked == []


# ---------------------------------------------------------------------------- CORS


async def preflight(client: httpx.AsyncClient, origin: str) -> httpx.Response:
    return await client.options(
        "/api/v1/interviews",
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization, content-type",
        },
    )


async def test_cors_is_closed_unless_configured(client: httpx.AsyncClient) -> None:
    response = await preflight(client, "https://elsewhere.example")
    assert "access-control-allow-origin" not in response.headers
    simple = await client.get("/api/v1/openapi.json", headers={"Origin": "https://x.example"})
    assert "access-control-allow-origin" not in simple.headers


async def test_configured_origins_may_call_the_api_without_credentials(
    database: Database,
) -> None:
    settings = database.settings.model_copy(update={"cors_origins": ["https://dashboard.example"]})
    application = create_app(settings)
    async with running_app(application) as client:
        allowed = await preflight(client, "https://dashboard.example")
        assert allowed.status_code == 200
        assert allowed.headers["access-control-allow-origin"] == "https://dashboard.example"
        assert "access-control-allow-credentials" not in allowed.headers
        assert "authorization" in allowed.headers["access-control-allow-headers"].lower()
        refused = await preflight(client, "https://elsewhere.example")
        assert "access-control-allow-origin" not in refused.headers
        simple = await client.get(
            "/api/v1/openapi.json", headers={"Origin": "https://dashboard.example"}
        )
        assert simple.headers["access-control-allow-origin"] == "https://dashboard.example"
        assert "retry-after" in simple.headers["access-control-expose-headers"].lower()


# ---------------------------------------------------------------------------- escaping


async def test_user_text_is_escaped_on_the_account_pages_and_the_room(
    client: httpx.AsyncClient,
) -> None:
    """Extends tests/web/test_pages.py: the fields and pages that test does not reach."""
    name = '<b id="name">Rae</b>'
    await register(client, email="rae@example.com", name=name)
    client.headers["User-Agent"] = f"Agent {SCRIPT}"
    await post_form(client, "/dashboard", "/logout", {})
    await post_form(
        client, "/login", "/login", {"email": "rae@example.com", "password": STRONG_PASSWORD}
    )
    await client.post(
        "/api/v1/auth/tokens",
        json={"email": "rae@example.com", "password": STRONG_PASSWORD, "name": IMAGE},
    )
    interview_id = await create_interview(client, focus_topics=f"{SCRIPT}, caching")

    pages = [
        await client.get("/account"),
        await client.get("/account/security-log"),
        await client.get(f"/interviews/{interview_id}"),
        await client.get("/study-plan"),
    ]
    for page in pages:
        assert page.status_code == 200
        assert_no_raw_payload(page)
    account, log, room, _ = pages
    assert "&lt;b id=&#34;name&#34;&gt;Rae&lt;/b&gt;" in account.text
    assert "Agent &lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in account.text
    assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;" in account.text
    assert "&lt;img src=x onerror=" in log.text and "Agent &lt;script&gt;" in log.text
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;, caching" in room.text


# ---------------------------------------------------------------------------- AI output


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeOpenAI]:
    with running() as server:
        yield server


@pytest.fixture
async def hosted(database: Database, fake: FakeOpenAI) -> AsyncIterator[httpx.AsyncClient]:
    fake.reset()
    application = create_app(database.settings, engine=hosted_engine(fake))
    async with running_app(application) as client:
        yield client


HOSTED_QUESTION = {
    "question_type": "technical",
    "area": "databases",
    "difficulty": "medium",
    "prompt": f"What does an index do? {IMAGE}",
    "reference_answer": "It finds rows without a full scan; writes must maintain it.",
    "key_points": ["An index avoids a full table scan.", "Writes must update the index."],
}
ANSWER = (
    "An index lets the database find the matching rows without scanning the whole table, "
    "and every insert or update must also update the index, so writes get slower."
)


async def test_ai_questions_and_feedback_are_escaped(
    hosted: httpx.AsyncClient, fake: FakeOpenAI
) -> None:
    """A hosted model's words are as untrusted as a user's: they may carry markup."""
    fake.push(
        json_completion({"questions": [HOSTED_QUESTION]}),
        json_completion(
            {
                "overall": 80,
                "criteria": {
                    "technical_accuracy": 80,
                    "completeness": 80,
                    "clarity": 80,
                    "problem_solving": 80,
                },
                "summary": f"Good answer {SCRIPT}",
                "strengths": [f"Clear {IMAGE}"],
                "improvements": [f"Mention costs {SCRIPT}"],
                "suggestions": ['<b id="tip">Read more</b>'],
                "covered_key_points": HOSTED_QUESTION["key_points"],
                "missed_key_points": [],
            }
        ),
    )
    await register(hosted, email="ivy@example.com")
    interview_id = await create_interview(hosted, question_count="1")
    await act(hosted, interview_id, "start")
    room = await hosted.get(f"/interviews/{interview_id}")
    assert "What does an index do? &lt;img src=x onerror=" in room.text
    answered = await answer(hosted, interview_id, ANSWER)
    assert answered.status_code == 303, answered.text
    feedback = await hosted.get(answered.headers["location"])
    report = await hosted.get(f"/interviews/{interview_id}/report")
    for page in [room, feedback, report]:
        assert page.status_code == 200
        assert_no_raw_payload(page)
    assert "Good answer &lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in feedback.text
    assert "Clear &lt;img src=x onerror=" in feedback.text
    assert "&lt;b id=&#34;tip&#34;&gt;Read more&lt;/b&gt;" in feedback.text
    assert re.search(r"Mention costs &lt;script&gt;", report.text)

"""Limits and errors: body size, answer length, page sizes and ids; one error shape; no internals.

Every limit is checked at the edge and just past it, through real HTTP on the ASGI app. Errors
on the API are always `{"error", "detail"}` JSON; pages get an error page, htmx a fragment. In
production an internal error says nothing about code, SQL or paths, and still carries the
request id and the security headers, so the user's report leads the operator to the log line.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import text

from mockroom.app import create_app
from mockroom.config import Settings
from mockroom.web.observability import JsonFormatter
from mockroom.web.openapi import MAX_ROW_ID
from tests.conftest import STRONG_PASSWORD, Database, sign_up
from tests.web.test_pages import act as page_act
from tests.web.test_pages import answer as page_answer
from tests.web.test_pages import create_interview, csrf_of, register

MAX_PAGE_SIZE = 100
ERROR_KEYS = {"error", "detail"}
GENERIC_500 = {"error": "Something went wrong on our side. Try again.", "detail": None}
LEAKS = ("FROM interviews", "no such table", "does not exist", "Traceback", "sqlalchemy", "/work/")


@asynccontextmanager
async def client_for(
    settings: Settings, base_url: str = "http://testserver"
) -> AsyncIterator[httpx.AsyncClient]:
    """The app on ``settings``, over ASGI; a 500 is kept as the response a server would send."""
    application = create_app(settings)
    transport = httpx.ASGITransport(app=application, raise_app_exceptions=False)
    async with (
        application.router.lifespan_context(application),
        httpx.AsyncClient(transport=transport, base_url=base_url) as client,
    ):
        yield client


def assert_api_error(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    body: dict[str, Any] = response.json()
    assert set(body) == ERROR_KEYS, body
    assert isinstance(body["error"], str) and body["error"], body
    return body


async def started_interview(client: httpx.AsyncClient, headers: dict[str, str]) -> str:
    created = await client.post(
        "/api/v1/interviews", json={"title": "Limits", "question_count": 2}, headers=headers
    )
    path = f"/api/v1/interviews/{created.json()['id']}"
    await client.post(f"{path}/start", headers=headers)
    return path


# ---------------------------------------------------------------------------- body size

BODY_LIMIT = 2_000


@pytest.fixture
async def small_body_client(database: Database) -> AsyncIterator[httpx.AsyncClient]:
    async with client_for(
        database.settings.model_copy(update={"max_body_bytes": BODY_LIMIT})
    ) as client:
        yield client


def json_body_of(size: int) -> bytes:
    """A JSON object of exactly ``size`` bytes."""
    body = b'{"email": ""}'
    return body[:-2] + b"x" * (size - len(body)) + body[-2:]


async def in_chunks(body: bytes) -> AsyncIterator[bytes]:
    # Sent without a Content-Length, so only counting while it streams can stop it.
    for start in range(0, len(body), 500):
        yield body[start : start + 500]


async def test_a_body_at_the_limit_is_read_and_one_byte_more_is_refused(
    small_body_client: httpx.AsyncClient,
) -> None:
    json_type = {"content-type": "application/json"}
    at_limit = await small_body_client.post(
        "/api/v1/auth/register", content=json_body_of(BODY_LIMIT), headers=json_type
    )
    assert_api_error(at_limit, 422)
    over = await small_body_client.post(
        "/api/v1/auth/register", content=json_body_of(BODY_LIMIT + 1), headers=json_type
    )
    assert assert_api_error(over, 413)["error"] == "The request is too large."


async def test_a_body_streamed_without_a_length_is_stopped_at_the_limit(
    small_body_client: httpx.AsyncClient,
) -> None:
    api = await small_body_client.post(
        "/api/v1/auth/register",
        content=in_chunks(json_body_of(BODY_LIMIT + 1)),
        headers={"content-type": "application/json"},
    )
    assert_api_error(api, 413)
    form = await small_body_client.post(
        "/login",
        content=in_chunks(b"email=" + b"x" * BODY_LIMIT),
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert_page_error(form, 413)


async def test_a_page_form_over_the_limit_gets_an_error_page(
    small_body_client: httpx.AsyncClient,
) -> None:
    # A browser posting a form is shown a page, never the API's JSON.
    form = await small_body_client.post("/login", data={"email": "x" * BODY_LIMIT})
    assert_page_error(form, 413)


def assert_page_error(response: httpx.Response, status: int) -> None:
    assert response.status_code == status
    assert response.headers["content-type"].startswith("text/html")
    assert "The request is too large." in response.text
    assert "Content-Security-Policy" in response.headers


# ---------------------------------------------------------------------------- answer length


def answer_of(length: int) -> str:
    words = "A queue decouples the producer from the consumer and absorbs bursts of load. "
    return (words * (length // len(words) + 1))[:length]


async def test_an_answer_at_the_length_limit_is_kept_and_a_longer_one_is_refused(
    client: httpx.AsyncClient, alice: dict[str, str], database: Database
) -> None:
    limit = database.settings.max_answer_chars
    path = await started_interview(client, alice)

    refused = await client.post(
        f"{path}/answers", json={"answer": answer_of(limit + 1)}, headers=alice
    )
    body = assert_api_error(refused, 422)
    assert [field["field"] for field in body["detail"]] == ["answer"]
    assert (await client.get(f"{path}/responses", headers=alice)).json() == []

    kept = await client.post(f"{path}/answers", json={"answer": answer_of(limit)}, headers=alice)
    assert kept.status_code == 200, kept.text
    assert len(kept.json()["response"]["answer"]) == limit


async def test_the_room_refuses_a_long_answer_and_gives_it_back_to_edit(
    client: httpx.AsyncClient, database: Database
) -> None:
    limit = database.settings.max_answer_chars
    await register(client)
    interview_id = await create_interview(client)
    await page_act(client, interview_id, "start")
    too_long = answer_of(limit + 1)

    refused = await page_answer(client, interview_id, too_long)

    assert refused.status_code == 422
    assert f"Use at most {limit:,} characters." in refused.text
    assert too_long[-40:] in refused.text
    assert f'maxlength="{limit}"' in refused.text


# ---------------------------------------------------------------------------- page sizes and ids

# Lists whose length the data model bounds, so they need no page size; say why.
BOUNDED_LISTS = {
    "GET /api/v1/interviews/{interview_id}/responses": (
        "one answer per question: at most 20 questions, each with at most one follow-up"
    ),
}


def resolved(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def list_operations(document: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """GET operations answering with a list, bare or as a page (`items` and `next_cursor`)."""
    for path, methods in document["paths"].items():
        operation = methods.get("get")
        if operation is None:
            continue
        content = operation["responses"].get("200", {}).get("content", {})
        schema = resolved(document, content.get("application/json", {}).get("schema", {}))
        fields = schema.get("properties", {})
        paged = "next_cursor" in fields and resolved(document, fields["items"]).get("type")
        if schema.get("type") == "array" or paged == "array":
            yield f"GET {path}", operation


async def test_every_list_endpoint_caps_its_page_size(client: httpx.AsyncClient) -> None:
    document = (await client.get("/api/v1/openapi.json")).json()
    listed = dict(list_operations(document))
    assert "GET /api/v1/interviews" in listed
    uncapped = []
    for name, operation in listed.items():
        if name in BOUNDED_LISTS:
            continue
        limits = [
            parameter["schema"]
            for parameter in operation.get("parameters", [])
            if parameter["in"] == "query" and parameter["name"] == "limit"
        ]
        if not limits or not 1 <= limits[0].get("maximum", MAX_PAGE_SIZE + 1) <= MAX_PAGE_SIZE:
            uncapped.append(name)
    assert not uncapped, (
        f"these lists have no `limit` query parameter capped at {MAX_PAGE_SIZE}: {uncapped}; "
        "page them (see GET /api/v1/interviews), or add them to BOUNDED_LISTS saying why "
        "their length is bounded"
    )
    assert set(BOUNDED_LISTS) <= set(listed), "BOUNDED_LISTS names a list the API lacks"


async def test_pages_are_capped_and_walk_every_row_exactly_once(
    client: httpx.AsyncClient, alice: dict[str, str]
) -> None:
    for limit in (0, MAX_PAGE_SIZE + 1):
        oversized = await client.get(f"/api/v1/interviews?limit={limit}", headers=alice)
        assert_api_error(oversized, 422)
    created = []
    for number in range(5):
        reply = await client.post(
            "/api/v1/interviews", json={"title": f"Page {number}"}, headers=alice
        )
        created.append(reply.json()["id"])
    seen: list[int] = []
    query = "/api/v1/interviews?limit=2"
    while True:
        page = (await client.get(query, headers=alice)).json()
        assert len(page["items"]) <= 2
        seen += [item["id"] for item in page["items"]]
        if page["next_cursor"] is None:
            break
        query = f"/api/v1/interviews?limit=2&cursor={page['next_cursor']}"
    assert seen == sorted(created, reverse=True)


async def test_ids_no_database_can_hold_are_invalid_not_a_crash(
    client: httpx.AsyncClient, alice: dict[str, str]
) -> None:
    too_large = MAX_ROW_ID + 1
    for method, path in [
        ("GET", f"/api/v1/interviews/{too_large}"),
        ("GET", "/api/v1/interviews/99999999999999999999999"),
        ("GET", "/api/v1/interviews/0"),
        ("DELETE", f"/api/v1/auth/tokens/{too_large}"),
    ]:
        assert_api_error(await client.request(method, path, headers=alice), 422)
    # A cursor is opaque, but a forged one must not reach the database either.
    forged = "aWQ6OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk="  # "id:99999999999999999999999"
    listed = await client.get(f"/api/v1/interviews?cursor={forged}", headers=alice)
    assert_api_error(listed, 422)
    await register(client)
    page = await client.get(f"/interviews/{too_large}")
    assert page.status_code == 422
    assert "text/html" in page.headers["content-type"]


# ---------------------------------------------------------------------------- one error shape


async def test_every_api_error_has_the_one_shape(
    client: httpx.AsyncClient, alice: dict[str, str], bob: dict[str, str]
) -> None:
    alices = await started_interview(client, alice)
    json_type = {"content-type": "application/json"}
    cases: list[tuple[int, str, str, dict[str, Any]]] = [
        (
            400,
            "POST",
            "/api/v1/auth/register",
            {"content": b"\x80 not UTF-8", "headers": json_type},
        ),
        (401, "GET", "/api/v1/interviews", {}),
        (401, "GET", "/api/v1/interviews", {"headers": {"Authorization": "Bearer mr_wrong"}}),
        (404, "GET", "/api/v1/no-such-thing", {"headers": alice}),
        (404, "GET", alices, {"headers": bob}),
        (405, "PUT", alices, {"headers": alice}),
        (409, "POST", f"{alices}/resume", {"headers": alice}),
        (422, "POST", "/api/v1/interviews", {"json": {"title": ""}, "headers": alice}),
        (422, "POST", "/api/v1/auth/register", {"content": b"{not json", "headers": json_type}),
    ]
    for status, method, path, options in cases:
        assert_api_error(await client.request(method, path, **options), status)

    not_allowed = await client.put(alices, headers=alice)
    assert not_allowed.headers["allow"] == "GET"
    malformed = await client.post("/api/v1/auth/register", content=b"{", headers=json_type)
    assert malformed.json()["detail"] == [
        {"field": "body", "message": "The body is not valid JSON."}
    ]


async def test_too_many_attempts_have_the_one_shape_and_say_when_to_retry(
    database: Database,
) -> None:
    settings = database.settings.model_copy(update={"sign_in_failures_per_account": 1})
    async with client_for(settings) as client:
        await sign_up(client, "locked@example.com")
        wrong = {"email": "locked@example.com", "password": "Not-The-Password-1"}
        await client.post("/api/v1/auth/tokens", json=wrong)
        refused = await client.post("/api/v1/auth/tokens", json=wrong)
    assert_api_error(refused, 429)
    assert int(refused.headers["retry-after"]) > 0


async def test_validation_errors_do_not_repeat_what_was_sent(client: httpx.AsyncClient) -> None:
    secret = "weak-secret-marker"
    refused = await client.post(
        "/api/v1/auth/register",
        json={
            "email": "echo@example.com",
            "display_name": "Echo",
            "password": secret,
            "password_confirmation": secret,
        },
    )
    assert_api_error(refused, 422)
    assert secret not in refused.text


async def test_pages_show_errors_as_pages_and_htmx_gets_a_fragment(
    client: httpx.AsyncClient,
) -> None:
    missing = await client.get("/no-such-page")
    assert missing.status_code == 404
    assert "text/html" in missing.headers["content-type"]
    assert "<title>Page not found" in missing.text
    fragment = await client.get("/no-such-page", headers={"HX-Request": "true"})
    assert fragment.status_code == 404
    assert "<html" not in fragment.text and 'role="alert"' in fragment.text
    not_allowed = await client.put("/dashboard")
    assert not_allowed.status_code == 405
    assert not_allowed.headers["allow"] == "GET"
    assert "<title>Method not allowed" in not_allowed.text


# ---------------------------------------------------------------------------- production


class Lines(logging.Handler):
    """Keeps each log line as the JSON formatter writes it."""

    def __init__(self) -> None:
        super().__init__()
        self.setFormatter(JsonFormatter())
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@contextmanager
def error_log() -> Iterator[Lines]:
    handler = Lines()
    logger = logging.getLogger("mockroom.errors")
    logger.addHandler(handler)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)


@asynccontextmanager
async def hidden_table(database: Database) -> AsyncIterator[None]:
    """Breaks the database under the app: queries on interviews fail deep inside SQLAlchemy."""
    async with database.engine.begin() as connection:
        await connection.execute(text("ALTER TABLE interviews RENAME TO interviews_hidden"))
    try:
        yield
    finally:
        async with database.engine.begin() as connection:
            await connection.execute(text("ALTER TABLE interviews_hidden RENAME TO interviews"))


async def test_in_production_an_internal_error_reveals_nothing_and_can_be_traced(
    database: Database,
) -> None:
    settings = database.settings.model_copy(update={"environment": "production"})
    # Production cookies are Secure, so the browser must be on https to send them back.
    async with client_for(settings, "https://testserver") as client:
        headers = await sign_up(client, "prod@example.com")
        signed_in = await client.post(
            "/login",
            data={
                "email": "prod@example.com",
                "password": STRONG_PASSWORD,
                "csrf_token": csrf_of(await client.get("/login")),
            },
        )
        assert signed_in.status_code == 303
        with error_log() as log:
            async with hidden_table(database):
                api = await client.get("/api/v1/interviews", headers=headers)
                page = await client.get("/interviews")
                fragment = await client.get("/interviews", headers={"HX-Request": "true"})

    assert api.status_code == 500 and api.json() == GENERIC_500
    assert page.status_code == 500 and "<title>Something went wrong" in page.text
    assert fragment.status_code == 500 and "<html" not in fragment.text
    for response in (api, page, fragment):
        assert "Something went wrong on our side. Try again." in response.text
        for leak in LEAKS:
            assert leak not in response.text, (response.request.url, leak)
        assert "default-src 'self'" in response.headers["content-security-policy"]
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["strict-transport-security"].startswith("max-age=")
        # The id the user can quote finds the full story in the log.
        logged = [line for line in log.lines if response.headers["x-request-id"] in line]
        assert len(logged) == 1 and "FROM interviews" in logged[0], log.lines
        assert "Traceback" in logged[0]


async def test_the_app_is_not_in_debug_mode(app: FastAPI) -> None:
    # Debug mode would answer an internal error with the traceback itself.
    assert app.debug is False

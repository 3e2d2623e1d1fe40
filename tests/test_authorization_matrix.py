"""Every route in the app's route table, called as anonymous, owner, another user and admin.

The cases come from the route table itself (API, pages, WebSocket, mounts), so a route cannot
be added unseen: one without an entry in EXPECTATIONS fails and says how to declare it. Each
case builds a fresh world: an owner with an interview at the stage the route needs, another
user, and an admin (a user with ``is_admin`` set, who gets no implicit access to other
people's rows). The owner always calls last, so every refusal before it is checked against a
row that demonstrably exists and is still in a state where the owner's call succeeds. No reply
to anyone but the owner may mention the owner's email, name, interview, answer or token.
"""

from __future__ import annotations

import json
import re
import tempfile
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.routing import iter_route_contexts
from sqlalchemy import select
from starlette.routing import Mount, WebSocketRoute
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from mockroom.app import create_app
from mockroom.audit.schemas import Origin
from mockroom.auth.deps import CSRF_HEADER, SESSION_COOKIE
from mockroom.auth.passwords import hash_password
from mockroom.auth.service import AuthService
from mockroom.config import Settings
from mockroom.db.engine import make_sessionmaker
from mockroom.models import User
from tests.conftest import STRONG_PASSWORD, Database, http_client
from tests.live_server import serving

# ---------------------------------------------------------------------------- outcomes

LOGIN = "redirect to /login"  # a page sends visitors to sign in
REFUSED = "handshake refused"  # a WebSocket turns the visitor away before accepting
Outcome = int | str

ANONYMOUS, OTHER, ADMIN, OWNER = "anonymous", "other", "admin", "owner"
# The owner goes last: everyone else must fail while the row is still there, untouched.
ACTORS = (ANONYMOUS, OTHER, ADMIN, OWNER)

# Stages the owner's interview is brought to before a route is called, each step cumulative.
STAGES: dict[str, tuple[str, ...]] = {
    "scheduled": (),
    "started": ("start",),
    "answered": ("start", "answer"),
    "paused": ("start", "answer", "pause"),
    "completed": ("start", "answer", "complete"),
    "planned": ("start", "answer", "complete", "plan"),
}

# Unique strings only the owner's data contains; nobody else's replies may carry them.
OWNER_EMAIL = "olive.owner@example.com"
OWNER_NAME = "Olive Ownermarker"
OWNER_TITLE = "Ownermarker private round"
OWNER_ANSWER = (
    "Ownermarker answer: a hash map stores key value pairs in buckets chosen by hashing the "
    "key, so lookups take constant time on average; collisions are chained or probed, and the "
    "table resizes when the load factor grows too high."
)
OWNER_TOKEN_NAME = "Ownermarker spare token"
OWNER_MARKERS = (OWNER_EMAIL, OWNER_NAME, "Ownermarker")
PASSWORD_HASH = hash_password(STRONG_PASSWORD)
MATRIX_ORIGIN = Origin(ip_address="127.0.0.1", user_agent="authorization matrix")


@dataclass(frozen=True)
class Expect:
    """What each actor gets from one route, and what the call needs.

    ``stage`` is how far the owner's interview has gone; ``json`` or ``form`` is the body,
    where ``{actor}`` and ``{owner_email}`` are filled in; ``url`` replaces the route's path
    when it is not a plain template (a mount).
    """

    anonymous: Outcome
    owner: Outcome
    other: Outcome
    admin: Outcome
    stage: str = "answered"
    json: dict[str, Any] | None = None
    form: dict[str, str] | None = None
    url: str | None = None

    def outcome_for(self, actor: str) -> Outcome:
        outcome: Outcome = getattr(self, actor)
        return outcome


def public(status: int, **call: Any) -> Expect:
    """Anyone, signed in or not, gets the same."""
    return Expect(status, status, status, status, **call)


def api_own(status: int, **call: Any) -> Expect:
    """A row of the owner's through the API: 401 without a token, 404 for everyone else."""
    return Expect(401, status, 404, 404, **call)


def api_self(status: int, **call: Any) -> Expect:
    """The caller's own data through the API (their profile, their list): 401 without a token."""
    return Expect(401, status, status, status, **call)


def page_own(status: int, **call: Any) -> Expect:
    """A page about a row of the owner's: visitors sign in first, everyone else gets 404."""
    return Expect(LOGIN, status, 404, 404, **call)


def page_self(status: int, **call: Any) -> Expect:
    """A page about the caller's own data: visitors sign in first."""
    return Expect(LOGIN, status, status, status, **call)


def guest_page(**call: Any) -> Expect:
    """A page for visitors (sign-in, sign-up): members are sent on to the dashboard."""
    return Expect(200, 303, 303, 303, **call)


NEW_INTERVIEW = {"title": "Matrix round", "question_count": 2, "follow_ups": False}
NEW_INTERVIEW_FORM = {
    "title": "Matrix round",
    "interview_type": "technical",
    "difficulty": "medium",
    "question_count": "2",
    "duration_minutes": "30",
    "focus_topics": "",
}
REGISTRATION = {
    "email": "new-{actor}@example.com",
    "display_name": "New {actor}",
    "password": STRONG_PASSWORD,
    "password_confirmation": STRONG_PASSWORD,
}
OWNER_CREDENTIALS = {"email": "{owner_email}", "password": STRONG_PASSWORD}
PASSWORD_CHANGE = {
    "current_password": STRONG_PASSWORD,
    "new_password": "Battery-Staple-42",
    "new_password_confirmation": "Battery-Staple-42",
}
AN_ANSWER = {
    "answer": "A binary search halves the sorted range each step, so it takes log n steps."
}

# Every route's expected outcome per actor. A new route needs a line here: pick the helper
# that says who may call it (public, api_own, api_self, page_own, page_self, guest_page, or
# an explicit Expect), the stage the owner's interview must be at, and a body if it takes one.
EXPECTATIONS: dict[str, Expect] = {
    # --- documentation, probes, metrics, static files
    "GET /api/v1/openapi.json": public(200),
    "GET /api/docs": public(200),
    "GET /docs/oauth2-redirect": public(200),
    "GET /healthz": public(200),
    "GET /readyz": public(200),
    "GET /metrics": public(200),
    "MOUNT /static": public(200, url="/static/css/app.css"),
    # --- auth API: registering and trading a password for a token need no token
    "POST /api/v1/auth/register": public(201, json=REGISTRATION),
    "POST /api/v1/auth/tokens": public(201, json=OWNER_CREDENTIALS),
    "GET /api/v1/auth/tokens": api_self(200),
    "DELETE /api/v1/auth/tokens/{token_id}": api_own(200),
    # --- the caller's own profile and usage
    "GET /api/v1/users/me": api_self(200),
    "PATCH /api/v1/users/me": api_self(200, json={"display_name": "Renamed"}),
    "GET /api/v1/ai/usage": api_self(200),
    # --- interviews through the API
    "POST /api/v1/interviews": api_self(201, json=NEW_INTERVIEW),
    "GET /api/v1/interviews": api_self(200),
    "GET /api/v1/interviews/{interview_id}": api_own(200),
    "POST /api/v1/interviews/{interview_id}/start": api_own(200, stage="scheduled"),
    "POST /api/v1/interviews/{interview_id}/pause": api_own(200),
    "POST /api/v1/interviews/{interview_id}/resume": api_own(200, stage="paused"),
    "POST /api/v1/interviews/{interview_id}/complete": api_own(200),
    "POST /api/v1/interviews/{interview_id}/cancel": api_own(200),
    "POST /api/v1/interviews/{interview_id}/answers": api_own(200, json=AN_ANSWER),
    "POST /api/v1/interviews/{interview_id}/skip": api_own(200),
    "GET /api/v1/interviews/{interview_id}/responses": api_own(200),
    "POST /api/v1/interviews/{interview_id}/responses/{response_id}/evaluate": api_own(200),
    "GET /api/v1/interviews/{interview_id}/report": api_own(200, stage="completed"),
    # --- study plans: only the owner has one
    "GET /api/v1/study-plan": api_own(200, stage="planned"),
    "POST /api/v1/study-plan": api_self(201),
    # --- pages for visitors
    "GET /": public(200),
    "GET /register": guest_page(),
    "POST /register": public(303, form=REGISTRATION),
    "GET /login": guest_page(),
    "POST /login": public(303, form=OWNER_CREDENTIALS),
    "POST /logout": public(303),
    # --- pages for members
    "GET /dashboard": page_self(200),
    "GET /study-plan": page_self(200, stage="planned"),
    "POST /study-plan": page_self(303),
    "GET /interviews": page_self(200),
    "GET /interviews/new": page_self(200),
    "POST /interviews/new": page_self(303, form=NEW_INTERVIEW_FORM),
    "GET /interviews/{interview_id}": page_own(200),
    "POST /interviews/{interview_id}/start": page_own(303, stage="scheduled"),
    "POST /interviews/{interview_id}/pause": page_own(303),
    "POST /interviews/{interview_id}/resume": page_own(303, stage="paused"),
    "POST /interviews/{interview_id}/complete": page_own(303),
    "POST /interviews/{interview_id}/cancel": page_own(303),
    "POST /interviews/{interview_id}/skip": page_own(303),
    "POST /interviews/{interview_id}/answer": page_own(303, form=AN_ANSWER),
    "GET /interviews/{interview_id}/answers/{response_id}": page_own(200),
    "POST /interviews/{interview_id}/answers/{response_id}/evaluate": page_own(303),
    "GET /interviews/{interview_id}/report": page_own(200, stage="completed"),
    # --- the room's live channel: an answer in, its grade out (200), or the error's status
    "WS /ws/interviews/{interview_id}": Expect(REFUSED, 200, 404, 404, json=AN_ANSWER),
    # --- GitHub and settings: each caller's own link (nobody here has one, and no GitHub is
    # reachable, so the calls that would reach GitHub are refused before they try)
    "GET /api/v1/github": api_self(200),
    "PUT /api/v1/github/username": api_self(422, json={"username": "-not-a-login-"}),
    "POST /api/v1/github/sync": api_self(404),
    "DELETE /api/v1/github": api_self(404),
    "GET /auth/github/start": Expect(404, 303, 303, 303),
    "GET /auth/github/callback": public(404),
    "GET /settings": page_self(200),
    "POST /settings/profile": page_self(
        303, form={"display_name": "Renamed", "experience_level": "mid", "preferred_languages": ""}
    ),
    "POST /settings/password": page_self(409),
    "POST /settings/github/username": page_self(422, form={"github_username": "-not-a-login-"}),
    "POST /settings/github/sync": page_self(404),
    "POST /settings/github/unlink": page_self(404),
    # --- account management and the security log: each caller's own; a browser session or
    # token of the owner's is not found by anyone else
    "GET /api/v1/audit-events": api_self(200),
    "GET /api/v1/account/sessions": api_self(200),
    "DELETE /api/v1/account/sessions/{session_id}": api_own(200),
    "POST /api/v1/account/password": api_self(200, json=PASSWORD_CHANGE),
    "GET /api/v1/account/export": api_self(200),
    "POST /api/v1/account/delete": api_self(204, json={"password": STRONG_PASSWORD}),
    "GET /account": page_self(200),
    "GET /account/security-log": page_self(200),
    "POST /account/password": page_self(303, form=PASSWORD_CHANGE),
    "POST /account/sessions/{session_id}/revoke": page_own(303),
    "POST /account/tokens/{token_id}/revoke": page_own(303),
    "POST /account/export": page_self(200),
    "POST /account/delete": page_self(303, form={"password": STRONG_PASSWORD}),
    "GET /account/deleted": public(200),
}

# ---------------------------------------------------------------------------- the route table


def route_keys(app: FastAPI) -> list[str]:
    """One key per method and path ("GET /x", "WS /ws/x", "MOUNT /static"); HEAD mirrors GET."""
    keys: set[str] = set()
    for route in iter_route_contexts(app.routes):
        original = route.original_route
        if isinstance(original, Mount):
            keys.add(f"MOUNT {route.path}")
        elif isinstance(original, WebSocketRoute) or not route.methods:
            keys.add(f"WS {route.path}")
        else:
            keys.update(f"{method} {route.path}" for method in route.methods if method != "HEAD")
    return sorted(keys)


def _route_table() -> list[str]:
    with tempfile.TemporaryDirectory() as data_dir:
        settings = Settings(environment="test", data_dir=Path(data_dir), secret_key="route-table")
        return route_keys(create_app(settings))


ROUTES = _route_table()


def test_every_declared_route_exists() -> None:
    stale = sorted(set(EXPECTATIONS) - set(ROUTES))
    assert not stale, (
        f"EXPECTATIONS in {__name__} declares routes the app no longer has: {stale}; "
        "remove or rename those entries."
    )


# ---------------------------------------------------------------------------- the world


@dataclass
class Actor:
    name: str
    client: httpx.AsyncClient
    bearer: dict[str, str] = field(default_factory=dict)
    csrf: str = ""

    def fill(self, template: Any) -> Any:
        """The body with ``{actor}`` and ``{owner_email}`` filled in."""
        if isinstance(template, str):
            return template.replace("{actor}", self.name).replace("{owner_email}", OWNER_EMAIL)
        if isinstance(template, dict):
            return {key: self.fill(value) for key, value in template.items()}
        return template


@dataclass
class World:
    actors: dict[str, Actor]
    # What the route's path parameters stand for: rows of the owner's.
    path_values: dict[str, int]


CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_on(page: httpx.Response) -> str:
    found = CSRF_FIELD.search(page.text)
    assert found, f"{page.url} shows no form with a CSRF token"
    return found.group(1)


async def _visitor(app: FastAPI, name: str) -> Actor:
    client = http_client(app)
    actor = Actor(name, client)
    actor.csrf = csrf_on(await client.get("/login"))
    return actor


async def _member(
    app: FastAPI, database: Database, name: str, email: str, display_name: str
) -> Actor:
    """A user with a browser session and an API token, made by the auth service directly.

    Signing up over HTTP would cost three password hashes per user per case; the routes that
    take a password are themselves in the matrix, so nothing goes untested this way.
    """
    actor = await _visitor(app, name)
    async with make_sessionmaker(database.engine)() as session:
        user = User(
            email=email,
            display_name=display_name,
            password_hash=PASSWORD_HASH,
            preferred_languages=[],
            is_admin=name == ADMIN,
        )
        session.add(user)
        await session.flush()
        service = AuthService(session)
        signed_in = await service.start_session(user, user_agent="matrix", ip_address="127.0.0.1")
        _, token = await service.issue_api_token(user, "matrix", MATRIX_ORIGIN)
        await session.commit()
    actor.client.cookies.set(SESSION_COOKIE, signed_in.token)
    actor.csrf = signed_in.session.csrf_token
    actor.bearer = {"Authorization": f"Bearer {token}"}
    return actor


async def _bring_to_stage(database: Database, owner: Actor, stage: str) -> dict[str, int]:
    """Creates the owner's interview and walks it to ``stage``; returns the rows' ids."""
    api = owner.client

    async def post(path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        response = await api.post(path, json=body, headers=owner.bearer)
        assert response.status_code in (200, 201), f"{path}: {response.text}"
        reply: dict[str, Any] = response.json()
        return reply

    # The owner's token that other people try to revoke (not the one the owner calls with).
    async with make_sessionmaker(database.engine)() as session:
        user = await session.scalar(select(User).where(User.email == OWNER_EMAIL))
        assert user is not None
        spare, _ = await AuthService(session).issue_api_token(user, OWNER_TOKEN_NAME, MATRIX_ORIGIN)
        # A second browser of the owner's, which other people try to sign out.
        other_browser = await AuthService(session).start_session(user, "spare", "127.0.0.1")
        await session.commit()
    values = {"token_id": spare.id, "session_id": other_browser.session.id}
    created = await post(
        "/api/v1/interviews", {"title": OWNER_TITLE, "question_count": 3, "follow_ups": False}
    )
    interview = f"/api/v1/interviews/{created['id']}"
    values["interview_id"] = int(created["id"])
    for step in STAGES[stage]:
        if step == "answer":
            answered = await post(f"{interview}/answers", {"answer": OWNER_ANSWER})
            values["response_id"] = int(answered["response"]["id"])
        elif step == "plan":
            await post("/api/v1/study-plan")
        else:
            await post(f"{interview}/{step}")
    return values


@pytest.fixture
async def build_world(app: FastAPI, database: Database) -> AsyncIterator[Any]:
    actors: list[Actor] = []

    async def build(stage: str) -> World:
        # Grading needs the model; wait for it here rather than inside a timed call.
        warm_up = app.state.engine_warm_up
        if warm_up is not None:
            await warm_up
        actors.append(await _visitor(app, ANONYMOUS))
        actors.append(await _member(app, database, OWNER, OWNER_EMAIL, OWNER_NAME))
        actors.append(await _member(app, database, OTHER, "otto.other@example.com", "Otto"))
        actors.append(await _member(app, database, ADMIN, "ada.admin@example.com", "Ada"))
        values = await _bring_to_stage(database, actors[1], stage)
        return World({actor.name: actor for actor in actors}, values)

    yield build
    for actor in actors:
        await actor.client.aclose()


def concrete_path(template: str, values: dict[str, int]) -> str:
    def value_of(match: re.Match[str]) -> str:
        name = match.group(1)
        assert name in values, (
            f"no row stands for path parameter {{{name}}}: make _bring_to_stage in {__name__} "
            f"create one for the owner and put its id in the returned values under {name!r}."
        )
        return str(values[name])

    return re.sub(r"\{(\w+)\}", value_of, template)


# ---------------------------------------------------------------------------- calling a route


async def call_http(actor: Actor, method: str, path: str, expect: Expect) -> httpx.Response:
    headers: dict[str, str] = {}
    if path.startswith("/api/"):
        headers.update(actor.bearer)
    elif method != "GET":
        headers[CSRF_HEADER] = actor.csrf
    return await actor.client.request(
        method,
        path,
        headers=headers,
        json=actor.fill(expect.json) if expect.json is not None else None,
        data=actor.fill(expect.form) if expect.form is not None else None,
    )


def http_outcome(response: httpx.Response) -> Outcome:
    location = response.headers.get("location", "")
    if response.status_code == 303 and location.startswith("/login?next="):
        return LOGIN
    return response.status_code


@pytest.fixture(scope="module")
def live_server(database: Database) -> Iterator[str]:
    """A real server on the same database, for the WebSocket routes."""
    with serving(database.settings) as url:
        yield url


async def call_websocket(
    actor: Actor, server: str, path: str, expect: Expect
) -> tuple[Outcome, str]:
    """Opens the channel with the actor's browser cookie, sends one message, reads the verdict."""
    cookie = actor.client.cookies.get(SESSION_COOKIE)
    headers = {"Origin": server}
    if cookie:
        headers["Cookie"] = f"{SESSION_COOKIE}={cookie}"
    message = {"type": "answer", "csrf_token": actor.csrf, **actor.fill(expect.json or {})}
    received: list[str] = []
    try:
        async with connect(
            server.replace("http://", "ws://") + path,
            additional_headers=headers,
            open_timeout=10,
        ) as socket:
            await socket.send(json.dumps(message))
            async for raw in socket:
                received.append(str(raw))
                reply = json.loads(raw)
                if reply["type"] == "evaluated":
                    return 200, "\n".join(received)
                if reply["type"] == "error":
                    return int(reply["status"]), "\n".join(received)
    except InvalidStatus:
        return REFUSED, ""
    raise AssertionError(f"the channel closed without a verdict: {received}")


# ---------------------------------------------------------------------------- the test


@pytest.mark.parametrize("route", ROUTES)
async def test_route_answers_each_actor_as_declared(
    route: str, build_world: Any, request: pytest.FixtureRequest
) -> None:
    expect = EXPECTATIONS.get(route)
    if expect is None:
        pytest.fail(
            f"{route} has no declared expectation. Add it to EXPECTATIONS in {__name__} "
            f'(tests/test_authorization_matrix.py), e.g. "{route}": api_own(200) for an '
            "owner's row on the API, page_self(200) for a member's page, public(200) for "
            "anyone; give stage=... if the owner's interview must be at a given stage and "
            "json=... or form=... if the route takes a body."
        )
    assert expect.stage in STAGES, f"{route}: unknown stage {expect.stage!r}"
    world = await build_world(expect.stage)
    kind, template = route.split(" ", 1)
    path = expect.url or concrete_path(template, world.path_values)
    server = request.getfixturevalue("live_server") if kind == "WS" else None

    for name in ACTORS:
        actor = world.actors[name]
        if server is not None:
            outcome, text = await call_websocket(actor, server, path, expect)
        else:
            method = "GET" if kind == "MOUNT" else kind
            response = await call_http(actor, method, path, expect)
            outcome, text = http_outcome(response), response.text
            if path.startswith("/api/") and response.status_code >= 400:
                assert set(response.json()) == {"error", "detail"}, (route, name, text)
        assert outcome == expect.outcome_for(name), (
            f"{route} as {name}: expected {expect.outcome_for(name)}, got {outcome}: {text[:300]}"
        )
        if name != OWNER:
            leaked = [marker for marker in OWNER_MARKERS if marker in text]
            assert not leaked, f"{route} as {name} shows the owner's data: {leaked}"

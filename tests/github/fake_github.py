"""A small GitHub of our own: the OAuth pages and the REST API mockroom uses, on 127.0.0.1.

It answers like GitHub Enterprise Server does (web pages at the root, the API under
``/api/v3``), so the tests also prove that both base URLs are configurable. It checks what a
real GitHub checks (client secret, redirect URI, PKCE verifier, one use per code, bearer
tokens), serves ETags and honours ``If-None-Match``, paginates with ``Link`` headers, counts
a rate limit, and records every request so a test can see exactly what mockroom sent.
Tests script it directly: users, repositories, the rate-limit budget, revoked tokens.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from tests.live_server import BackgroundServer

CLIENT_ID = "fake-client-id"
CLIENT_SECRET = "fake-client-secret"


@dataclass
class FakeRepository:
    name: str
    language: str | None = None
    languages: dict[str, int] = field(default_factory=dict)
    topics: list[str] = field(default_factory=list)
    description: str | None = None
    stars: int = 0
    pushed_at: str = "2026-10-01T12:00:00Z"
    fork: bool = False
    archived: bool = False
    size: int = 100
    # Files at the repository's root: name -> text. Directories are names ending in "/".
    files: dict[str, str] = field(default_factory=dict)


@dataclass
class FakeUser:
    id: int
    login: str
    name: str | None = None
    # Each: {"email", "primary", "verified", "visibility"}.
    emails: list[dict[str, Any]] = field(default_factory=list)
    repositories: list[FakeRepository] = field(default_factory=list)
    created_at: str = "2019-03-01T00:00:00Z"
    followers: int = 3
    bio: str | None = None

    def profile(self) -> dict[str, Any]:
        public = next(
            (
                entry["email"]
                for entry in self.emails
                if entry.get("primary") and entry.get("visibility") == "public"
            ),
            None,
        )
        return {
            "id": self.id,
            "login": self.login,
            "name": self.name,
            "avatar_url": f"https://avatars.example.test/u/{self.id}",
            "bio": self.bio,
            "company": None,
            "location": "Lisbon",
            "email": public,
            "followers": self.followers,
            "public_repos": len(self.repositories),
            "created_at": self.created_at,
        }


@dataclass
class Seen:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    status: int = 0


class FakeGithub:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._background = BackgroundServer("the fake GitHub")
        self.reset()

    # ------------------------------------------------------------------ scripting

    def reset(self) -> None:
        with self._lock:
            self.users: dict[str, FakeUser] = {}
            self.tokens: dict[str, str] = {}
            self.codes: dict[str, dict[str, str]] = {}
            self.requests: list[Seen] = []
            self.authorize_as: str | None = None
            self.deny = False
            self.page_size = 2
            self.rate_remaining: int | None = None
            self.rate_reset = 0
            self.retry_after: int | None = None
            self.revoked_grants: list[str] = []

    def add_user(self, user: FakeUser) -> FakeUser:
        with self._lock:
            self.users[user.login.lower()] = user
        return user

    def limit(self, remaining: int, reset_in: int) -> None:
        """From now on, ``remaining`` more API requests succeed until ``reset_in`` seconds."""
        with self._lock:
            self.rate_remaining = remaining
            self.rate_reset = int(time.time()) + reset_in

    def revoke_all_tokens(self) -> None:
        with self._lock:
            self.tokens.clear()

    def api_requests(self, path_prefix: str = "") -> list[Seen]:
        with self._lock:
            return [
                seen
                for seen in self.requests
                if seen.path.startswith("/api/v3/" + path_prefix.lstrip("/"))
            ]

    @property
    def web_url(self) -> str:
        return f"http://127.0.0.1:{self._background.port}"

    @property
    def api_url(self) -> str:
        return f"{self.web_url}/api/v3"

    # ------------------------------------------------------------------ OAuth

    async def _authorize(self, request: Request) -> Response:
        query = request.query_params
        self._record(request, 302)
        if query.get("client_id") != CLIENT_ID or not query.get("redirect_uri"):
            return JSONResponse({"error": "unknown client"}, status_code=400)
        redirect_uri = query["redirect_uri"]
        state = query.get("state", "")
        if self.deny:
            return RedirectResponse(
                f"{redirect_uri}?{urlencode({'error': 'access_denied', 'state': state})}", 302
            )
        assert self.authorize_as is not None, "say who is signed in at the fake GitHub"
        code = secrets.token_hex(10)
        with self._lock:
            self.codes[code] = {
                "login": self.authorize_as,
                "redirect_uri": redirect_uri,
                "challenge": query.get("code_challenge", ""),
                "method": query.get("code_challenge_method", ""),
                "scope": query.get("scope", ""),
            }
        return RedirectResponse(f"{redirect_uri}?{urlencode({'code': code, 'state': state})}", 302)

    async def _access_token(self, request: Request) -> Response:
        form = parse_qs((await request.body()).decode())
        values = {name: items[0] for name, items in form.items()}
        self._record(request, 200)
        if values.get("client_id") != CLIENT_ID or values.get("client_secret") != CLIENT_SECRET:
            return JSONResponse({"error": "incorrect_client_credentials"})
        with self._lock:
            grant = self.codes.pop(values.get("code", ""), None)
        if grant is None or grant["redirect_uri"] != values.get("redirect_uri"):
            return JSONResponse({"error": "bad_verification_code"})
        verifier = values.get("code_verifier", "")
        expected = (
            base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
            .decode()
            .rstrip("=")
        )
        if grant["method"] != "S256" or expected != grant["challenge"]:
            return JSONResponse({"error": "invalid_grant", "error_description": "PKCE failed"})
        token = "gho_" + secrets.token_hex(16)
        with self._lock:
            self.tokens[token] = grant["login"]
        return JSONResponse(
            {"access_token": token, "token_type": "bearer", "scope": grant["scope"]}
        )

    # ------------------------------------------------------------------ the API

    def _record(self, request: Request, status: int) -> Seen:
        seen = Seen(
            request.method,
            request.url.path,
            dict(request.query_params),
            {name.lower(): value for name, value in request.headers.items()},
            status,
        )
        with self._lock:
            self.requests.append(seen)
        return seen

    def _limit_headers(self) -> dict[str, str]:
        if self.rate_remaining is None:
            return {}
        return {
            "x-ratelimit-limit": "60",
            "x-ratelimit-remaining": str(self.rate_remaining),
            "x-ratelimit-reset": str(self.rate_reset),
        }

    def _budget(self) -> Response | None:
        """A refusal when the rate limit is spent; otherwise spends one request."""
        with self._lock:
            if self.retry_after is not None:
                wait, self.retry_after = self.retry_after, None
                return JSONResponse(
                    {"message": "You have exceeded a secondary rate limit."},
                    status_code=403,
                    headers={"retry-after": str(wait)},
                )
            if self.rate_remaining is None:
                return None
            if time.time() >= self.rate_reset:
                self.rate_remaining, self.rate_reset = 60, int(time.time()) + 3600
            if self.rate_remaining <= 0:
                return JSONResponse(
                    {"message": "API rate limit exceeded."},
                    status_code=403,
                    headers=self._limit_headers(),
                )
            self.rate_remaining -= 1
            return None

    def _caller(self, request: Request) -> tuple[FakeUser | None, bool]:
        """The token's user, and whether a token was sent at all."""
        header = request.headers.get("authorization", "")
        if not header:
            return None, False
        token = header.removeprefix("Bearer ").strip()
        with self._lock:
            login = self.tokens.get(token)
        return (self.users.get(login) if login else None), True

    def _json(self, request: Request, data: Any, link: str | None = None) -> Response:
        body = json.dumps(data).encode()
        etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
        headers = {"etag": etag, **self._limit_headers()}
        if link:
            headers["link"] = link
        if request.headers.get("if-none-match") == etag:
            return Response(status_code=304, headers=headers)
        return Response(body, media_type="application/json", headers=headers)

    async def _api(self, request: Request) -> Response:
        refusal = self._budget()
        response = refusal or self._route(request)
        self._record(request, response.status_code)
        return response

    def _route(self, request: Request) -> Response:
        path = request.url.path.removeprefix("/api/v3/").strip("/")
        parts = path.split("/")
        caller, sent_token = self._caller(request)
        if sent_token and caller is None:
            return JSONResponse({"message": "Bad credentials"}, status_code=401)
        if parts[0] == "user":
            if caller is None:
                return JSONResponse({"message": "Requires authentication"}, status_code=401)
            if parts == ["user"]:
                return self._json(request, caller.profile())
            if parts == ["user", "emails"]:
                return self._json(request, caller.emails)
            if parts == ["user", "repos"]:
                return self._repositories(request, caller)
        if parts[0] == "users" and len(parts) >= 2:
            user = self.users.get(parts[1].lower())
            if user is None:
                return JSONResponse({"message": "Not Found"}, status_code=404)
            if len(parts) == 2:
                return self._json(request, user.profile())
            if parts[2:] == ["repos"]:
                return self._repositories(request, user)
        if parts[0] == "repos" and len(parts) >= 4:
            return self._repository_part(request, parts[1], parts[2], parts[3:])
        return JSONResponse({"message": "Not Found"}, status_code=404)

    def _repositories(self, request: Request, user: FakeUser) -> Response:
        per_page = min(int(request.query_params.get("per_page", "30")), self.page_size)
        page = int(request.query_params.get("page", "1"))
        ordered = sorted(user.repositories, key=lambda repository: repository.pushed_at)[::-1]
        chunk = ordered[(page - 1) * per_page : page * per_page]
        link = None
        if page * per_page < len(ordered):
            query = dict(request.query_params)
            query["page"] = str(page + 1)
            link = f'<{request.url.replace(query=urlencode(query))}>; rel="next"'
        items = [
            {
                "name": repository.name,
                "full_name": f"{user.login}/{repository.name}",
                "description": repository.description,
                "fork": repository.fork,
                "archived": repository.archived,
                "language": repository.language,
                "topics": repository.topics,
                "stargazers_count": repository.stars,
                "size": repository.size,
                "pushed_at": repository.pushed_at,
                "html_url": f"{self.web_url}/{user.login}/{repository.name}",
            }
            for repository in chunk
        ]
        return self._json(request, items, link)

    def _repository_part(
        self, request: Request, owner: str, name: str, rest: list[str]
    ) -> Response:
        user = self.users.get(owner.lower())
        repository = next(
            (item for item in (user.repositories if user else []) if item.name == name), None
        )
        if repository is None:
            return JSONResponse({"message": "Not Found"}, status_code=404)
        if rest == ["languages"]:
            return self._json(request, repository.languages)
        if rest == ["contents"]:
            if not repository.files:
                return JSONResponse({"message": "This repository is empty."}, status_code=404)
            listing = [
                {
                    "name": filename.rstrip("/"),
                    "type": "dir" if filename.endswith("/") else "file",
                    "size": len(text.encode()),
                }
                for filename, text in repository.files.items()
            ]
            return self._json(request, listing)
        if rest[0] == "contents" and len(rest) == 2 and rest[1] in repository.files:
            text = repository.files[rest[1]]
            return self._json(
                request,
                {
                    "name": rest[1],
                    "type": "file",
                    "encoding": "base64",
                    "content": base64.b64encode(text.encode()).decode(),
                },
            )
        return JSONResponse({"message": "Not Found"}, status_code=404)

    async def _revoke_grant(self, request: Request) -> Response:
        self._record(request, 204)
        expected = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
        if request.headers.get("authorization") != f"Basic {expected}":
            return JSONResponse({"message": "Requires authentication"}, status_code=401)
        token = (await request.json()).get("access_token", "")
        with self._lock:
            login = self.tokens.get(token)
            if login is None:
                return JSONResponse({"message": "Not Found"}, status_code=404)
            self.revoked_grants.append(login)
            for known, owner in list(self.tokens.items()):
                if owner == login:
                    del self.tokens[known]
        return Response(status_code=204)

    # ------------------------------------------------------------------ running

    def start(self) -> None:
        app = Starlette(
            routes=[
                Route("/login/oauth/authorize", self._authorize, methods=["GET"]),
                Route("/login/oauth/access_token", self._access_token, methods=["POST"]),
                Route(
                    "/api/v3/applications/{client_id}/grant", self._revoke_grant, methods=["DELETE"]
                ),
                Route("/api/v3/{path:path}", self._api, methods=["GET"]),
            ]
        )
        self._background.start(app)

    def stop(self) -> None:
        self._background.stop()


def query_of(url: str) -> dict[str, str]:
    return {name: values[0] for name, values in parse_qs(urlsplit(url).query).items()}


@contextmanager
def running() -> Iterator[FakeGithub]:
    server = FakeGithub()
    server.start()
    try:
        yield server
    finally:
        server.stop()

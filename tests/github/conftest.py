"""The fake GitHub, an app configured to use it, a known profile, and the OAuth round trip."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from fastapi import FastAPI

from mockroom.github.settings import GithubSettings
from tests.github.fake_github import (
    CLIENT_ID,
    CLIENT_SECRET,
    FakeGithub,
    FakeRepository,
    FakeUser,
    running,
)

GO_MOD = """module github.com/gopher/kube-autoscaler

go 1.22

require (
\tk8s.io/client-go v0.30.1
\tsigs.k8s.io/controller-runtime v0.18.2
\tgithub.com/prometheus/client_golang v1.19.0 // indirect
)
"""
RATELIMIT_GO_MOD = """module github.com/gopher/ratelimit-go

go 1.22

require github.com/redis/go-redis/v9 v9.5.1
"""
PYPROJECT = """[project]
name = "pyscripts"
dependencies = ["requests>=2.31", "Flask==3.0.0"]

[project.optional-dependencies]
test = ["pytest>=8"]
"""
PACKAGE_JSON = '{"dependencies": {"react": "^15.0.0"}, "devDependencies": {"jest": "^20"}}'


def github_settings_for(fake: FakeGithub, **changes: Any) -> GithubSettings:
    values: dict[str, Any] = {
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "web_url": fake.web_url,
        "api_url": fake.api_url,
        "rate_limit_max_wait_seconds": 3.0,
        **changes,
    }
    return GithubSettings(_env_file=None, **values)


def gopher(
    email: str = "gopher@example.com", *, verified: bool = True, user_id: int = 101
) -> FakeUser:
    """A Go developer whose best work is a Kubernetes operator; the email is private."""
    return FakeUser(
        id=user_id,
        login="gopher",
        name="Grace Gopher",
        bio="Distributed systems in Go.",
        followers=12,
        emails=[
            {"email": "old@example.com", "primary": False, "verified": True, "visibility": None},
            {"email": email, "primary": True, "verified": verified, "visibility": "private"},
        ],
        repositories=[
            FakeRepository(
                name="kube-autoscaler",
                language="Go",
                languages={"Go": 180_000, "Dockerfile": 800, "Makefile": 1_200},
                topics=["kubernetes", "autoscaling", "operator"],
                description="A Kubernetes operator that scales workers from queue depth",
                stars=240,
                pushed_at="2026-11-01T09:00:00Z",
                size=900,
                files={"go.mod": GO_MOD, "Dockerfile": "FROM golang:1.22\n", "charts/": ""},
            ),
            FakeRepository(
                name="ratelimit-go",
                language="Go",
                languages={"Go": 60_000},
                topics=["rate-limiting", "redis"],
                description="A distributed rate limiter in Go, backed by Redis",
                stars=35,
                pushed_at="2026-09-15T09:00:00Z",
                files={"go.mod": RATELIMIT_GO_MOD},
            ),
            FakeRepository(
                name="pyscripts",
                language="Python",
                languages={"Python": 20_000},
                description="Small automation scripts",
                stars=1,
                pushed_at="2025-06-01T09:00:00Z",
                files={"pyproject.toml": PYPROJECT},
            ),
            FakeRepository(
                name="go-forked-lib",
                language="Rust",
                languages={"Rust": 500_000},
                fork=True,
                stars=0,
                pushed_at="2026-11-10T09:00:00Z",
            ),
            FakeRepository(
                name="old-website",
                language="JavaScript",
                languages={"JavaScript": 40_000, "HTML": 20_000, "CSS": 5_000},
                description="My homepage from university",
                stars=0,
                pushed_at="2016-05-01T09:00:00Z",
                files={"package.json": PACKAGE_JSON, "index.html": "<html></html>"},
            ),
        ],
    )


@pytest.fixture(scope="session")
def fake_github() -> Iterator[FakeGithub]:
    with running() as server:
        yield server


@pytest.fixture
def github(app: FastAPI, fake_github: FakeGithub) -> FakeGithub:
    """A fresh fake GitHub, and the app under test pointed at it."""
    fake_github.reset()
    app.state.github_settings = github_settings_for(fake_github)
    return fake_github


async def oauth_round_trip(
    client: httpx.AsyncClient, start: str = "/auth/github/start"
) -> httpx.Response:
    """What a browser does: start at mockroom, visit the fake GitHub over real HTTP (which
    authorises at once), and follow its redirect back to mockroom's callback."""
    started = await client.get(start)
    assert started.status_code == 303, started.text
    async with httpx.AsyncClient() as browser:
        authorised = await browser.get(started.headers["location"])
    assert authorised.status_code == 302, authorised.text
    back = urlsplit(authorised.headers["location"])
    return await client.get(f"{back.path}?{back.query}")

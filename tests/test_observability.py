"""Health probes, Prometheus metrics, request ids, and errors that reveal nothing internal."""

from __future__ import annotations

import asyncio

import httpx
from fastapi import FastAPI
from sqlalchemy import text

from tests.conftest import Database


async def test_probes(client: httpx.AsyncClient) -> None:
    assert (await client.get("/healthz")).json() == {"status": "ok"}
    ready = await client.get("/readyz")
    while ready.status_code == 503 and ready.json()["engine"] == "loading":
        await asyncio.sleep(0.05)
        ready = await client.get("/readyz")
    assert ready.json() == {"status": "ok", "database": "ok", "engine": "ready"}


async def test_metrics_count_requests_by_route_template(
    client: httpx.AsyncClient, alice: dict[str, str]
) -> None:
    created = await client.post(
        "/api/v1/interviews", json={"title": "Metrics", "question_count": 1}, headers=alice
    )
    await client.post(f"/api/v1/interviews/{created.json()['id']}/start", headers=alice)
    await client.get(f"/api/v1/interviews/{created.json()['id']}", headers=alice)
    body = (await client.get("/metrics")).text
    assert 'route="/api/v1/interviews/{interview_id}"' in body
    assert f'route="/api/v1/interviews/{created.json()["id"]}"' not in body
    assert "mockroom_active_interviews 1.0" in body


async def test_every_response_carries_a_request_id(client: httpx.AsyncClient) -> None:
    generated = await client.get("/healthz")
    assert len(generated.headers["X-Request-ID"]) == 32
    echoed = await client.get("/healthz", headers={"X-Request-ID": "trace-123"})
    assert echoed.headers["X-Request-ID"] == "trace-123"


async def test_an_internal_error_reveals_no_internals(
    app: FastAPI, alice: dict[str, str], database: Database
) -> None:
    # Starlette re-raises after sending its 500; keep the response, as a real server would.
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    client = httpx.AsyncClient(transport=transport, base_url="http://testserver")
    # Break the database under the app: the next query fails deep inside SQLAlchemy.
    async with database.engine.begin() as connection:
        await connection.execute(text("ALTER TABLE interviews RENAME TO interviews_hidden"))
    try:
        response = await client.get("/api/v1/interviews", headers=alice)
    finally:
        await client.aclose()
        async with database.engine.begin() as connection:
            await connection.execute(text("ALTER TABLE interviews_hidden RENAME TO interviews"))
    assert response.status_code == 500
    assert response.json() == {
        "error": "Something went wrong on our side. Try again.",
        "detail": None,
    }
    for leak in ("interviews_hidden", "Traceback", "sqlalchemy", "SELECT", "/work/", ".py"):
        assert leak not in response.text


async def test_metrics_count_engine_calls_by_provider_task_and_outcome(
    client: httpx.AsyncClient, alice: dict[str, str]
) -> None:
    def evaluations(body: str) -> float:
        prefix = 'mockroom_ai_calls_total{outcome="ok",provider="builtin",task="evaluate"} '
        line = next((line for line in body.splitlines() if line.startswith(prefix)), None)
        return float(line.removeprefix(prefix)) if line else 0.0

    before = evaluations((await client.get("/metrics")).text)
    created = await client.post(
        "/api/v1/interviews", json={"title": "Counted", "question_count": 1}, headers=alice
    )
    interview_id = created.json()["id"]
    await client.post(f"/api/v1/interviews/{interview_id}/start", headers=alice)
    await client.post(
        f"/api/v1/interviews/{interview_id}/answers",
        json={"answer": "A hash map gives average constant-time lookups."},
        headers=alice,
    )
    body = (await client.get("/metrics")).text
    assert evaluations(body) == before + 1
    assert "mockroom_websocket_connections 0.0" in body

"""Liveness and readiness probes."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text

router = APIRouter(tags=["health"], include_in_schema=False)


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz")
async def readyz(request: Request) -> JSONResponse:
    try:
        async with request.app.state.sessionmaker() as session:
            await session.execute(text("SELECT 1"))
    except Exception:
        return JSONResponse({"status": "unavailable", "database": "unreachable"}, status_code=503)
    warm_up = request.app.state.engine_warm_up
    if warm_up is not None and not warm_up.done():
        return JSONResponse({"status": "starting", "database": "ok", "engine": "loading"}, 503)
    if warm_up is not None and warm_up.exception() is not None:
        return JSONResponse({"status": "unavailable", "database": "ok", "engine": "failed"}, 503)
    return JSONResponse({"status": "ok", "database": "ok", "engine": "ready"})

"""The AI JSON API under /api/v1/ai: what a user's calls to the engines used and cost."""

from __future__ import annotations

from dataclasses import asdict

from fastapi import APIRouter
from pydantic import BaseModel

from mockroom.ai.service import AiUsageService
from mockroom.auth.deps import CurrentUser
from mockroom.db.session import DbSession
from mockroom.web.openapi import ERROR_RESPONSES

router = APIRouter(prefix="/ai", tags=["ai"], responses=ERROR_RESPONSES)


class UsageRow(BaseModel):
    provider: str
    model: str
    task: str
    calls: int
    fallbacks: int
    errors: int
    prompt_tokens: int
    completion_tokens: int
    cost_usd: float
    average_latency_ms: float


class UsageTotal(BaseModel):
    calls: int
    prompt_tokens: int
    completion_tokens: int
    cost_usd: float


class Usage(BaseModel):
    rows: list[UsageRow]
    total: UsageTotal


@router.get("/usage", summary="Your AI usage per provider, model and task")
async def usage(session: DbSession, user: CurrentUser) -> Usage:
    report = await AiUsageService(session, user.id).report()
    rows = [
        UsageRow.model_validate(
            asdict(totals)
            | {
                "cost_usd": round(totals.cost_usd, 6),
                "average_latency_ms": round(totals.average_latency_ms, 1),
            }
        )
        for totals in report.rows
    ]
    return Usage(
        rows=rows,
        total=UsageTotal(
            calls=report.calls,
            prompt_tokens=report.prompt_tokens,
            completion_tokens=report.completion_tokens,
            cost_usd=round(report.cost_usd, 6),
        ),
    )

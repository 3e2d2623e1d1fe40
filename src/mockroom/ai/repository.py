"""Queries on the AI call log."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from mockroom.models import AiCall


@dataclass(frozen=True)
class UsageTotals:
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


class AiCallRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, call: AiCall) -> None:
        self.session.add(call)
        await self.session.flush()

    async def usage_of(self, user_id: int) -> list[UsageTotals]:
        """The user's calls summed per provider, model and task, the busiest first."""
        calls = func.count(AiCall.id)
        rows = await self.session.execute(
            select(
                AiCall.provider,
                AiCall.model,
                AiCall.task,
                calls,
                func.sum(case((AiCall.outcome == "fallback", 1), else_=0)),
                func.sum(case((AiCall.outcome == "error", 1), else_=0)),
                func.sum(AiCall.prompt_tokens),
                func.sum(AiCall.completion_tokens),
                func.sum(AiCall.cost_usd),
                func.avg(AiCall.latency_ms),
            )
            .where(AiCall.user_id == user_id)
            .group_by(AiCall.provider, AiCall.model, AiCall.task)
            .order_by(calls.desc(), AiCall.provider, AiCall.model, AiCall.task)
        )
        return [
            UsageTotals(
                provider=provider,
                model=model,
                task=task,
                calls=int(count),
                fallbacks=int(fallbacks or 0),
                errors=int(errors or 0),
                prompt_tokens=int(prompt_tokens or 0),
                completion_tokens=int(completion_tokens or 0),
                cost_usd=float(cost or 0.0),
                average_latency_ms=float(latency or 0.0),
            )
            for (
                provider,
                model,
                task,
                count,
                fallbacks,
                errors,
                prompt_tokens,
                completion_tokens,
                cost,
                latency,
            ) in rows.all()
        ]

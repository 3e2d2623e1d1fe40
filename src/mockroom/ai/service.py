"""What a user's calls to the engines used and cost, for the API and the account page."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from mockroom.ai.repository import AiCallRepository, UsageTotals


@dataclass(frozen=True)
class UsageReport:
    rows: list[UsageTotals]
    calls: int
    prompt_tokens: int
    completion_tokens: int
    cost_usd: float


class AiUsageService:
    def __init__(self, session: AsyncSession, user_id: int) -> None:
        self.repository = AiCallRepository(session)
        self.user_id = user_id

    async def report(self) -> UsageReport:
        """The user's calls per provider, model and task, the busiest first, with totals."""
        rows = await self.repository.usage_of(self.user_id)
        return UsageReport(
            rows=rows,
            calls=sum(row.calls for row in rows),
            prompt_tokens=sum(row.prompt_tokens for row in rows),
            completion_tokens=sum(row.completion_tokens for row in rows),
            cost_usd=sum(row.cost_usd for row in rows),
        )

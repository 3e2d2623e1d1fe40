"""Wraps an engine so that every call is logged to ``ai_calls`` with its latency and outcome.

The engine protocol returns domain objects only, so what a provider knows about a call (the
model it used, tokens, cost, whether it fell back and why) travels in a ``CallReport`` that the
recorder opens around each call and providers fill in through ``current_report()``.
"""

from __future__ import annotations

import time
from collections.abc import AsyncGenerator, Awaitable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Literal, Protocol, TypeVar, runtime_checkable

from sqlalchemy.ext.asyncio import AsyncSession

from mockroom.ai.engine import Engine
from mockroom.ai.repository import AiCallRepository
from mockroom.ai.resilience import ProviderError
from mockroom.ai.schemas import (
    AnswerToGrade,
    CandidateProfile,
    Evaluation,
    PerformanceHistory,
    Question,
    QuestionRequest,
    StudyPlan,
)
from mockroom.db.base import utcnow
from mockroom.metrics import AI_CALLS
from mockroom.models import AiCall

Result = TypeVar("Result")
Outcome = Literal["ok", "fallback", "error"]
DETAIL_LIMIT = 300


@dataclass
class CallReport:
    provider: str
    model: str
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: float = 0.0
    outcome: Outcome = "ok"
    detail: str | None = None

    def add_usage(self, prompt_tokens: int, completion_tokens: int, cost_usd: float) -> None:
        # A call may take several requests (a repair, a fallback after a bad reply): all are paid.
        self.prompt_tokens += prompt_tokens
        self.completion_tokens += completion_tokens
        self.cost_usd += cost_usd

    def failed(self, error: Exception) -> None:
        self.outcome = "error"
        # A provider's reason is written to be stored; anything else is named by type only.
        self.note(error.reason if isinstance(error, ProviderError) else type(error).__name__)

    def note(self, detail: str) -> None:
        self.detail = detail if not self.detail else f"{self.detail}; {detail}"


_current: ContextVar[CallReport | None] = ContextVar("mockroom_ai_call_report", default=None)


def current_report() -> CallReport | None:
    """The report of the call in progress, if someone is recording it."""
    return _current.get()


@contextmanager
def reporting(provider: str, model: str) -> Iterator[CallReport]:
    """Collect what providers report about the calls made inside (the CLI check uses it)."""
    report = CallReport(provider=provider, model=model)
    token = _current.set(report)
    try:
        yield report
    finally:
        _current.reset(token)


@runtime_checkable
class StreamingEngine(Engine, Protocol):
    """An engine that can also stream an answer's feedback as prose while it is written."""

    def evaluate_stream(self, item: AnswerToGrade) -> AsyncGenerator[str, None]: ...


class RecordedEngine:
    def __init__(self, engine: Engine, session: AsyncSession, user_id: int | None) -> None:
        self.engine = engine
        self.name = engine.name
        self.repository = AiCallRepository(session)
        self.user_id = user_id

    @property
    def can_stream(self) -> bool:
        return isinstance(self.engine, StreamingEngine)

    def _new_report(self) -> CallReport:
        return CallReport(
            provider=self.engine.name,
            model=getattr(self.engine, "model_name", self.engine.name),
        )

    async def _record(self, task: str, call: Awaitable[Result]) -> Result:
        started = time.perf_counter()
        report = self._new_report()
        token = _current.set(report)
        try:
            return await call
        except Exception as error:
            report.failed(error)
            raise
        finally:
            _current.reset(token)
            await self._write(task, report, started)

    async def _write(self, task: str, report: CallReport, started: float) -> None:
        AI_CALLS.labels(report.provider, task, report.outcome).inc()
        await self.repository.add(
            AiCall(
                user_id=self.user_id,
                provider=report.provider,
                model=report.model,
                task=task,
                latency_ms=(time.perf_counter() - started) * 1000,
                prompt_tokens=report.prompt_tokens,
                completion_tokens=report.completion_tokens,
                cost_usd=report.cost_usd,
                outcome=report.outcome,
                detail=report.detail[:DETAIL_LIMIT] if report.detail else None,
                created_at=utcnow(),
            )
        )

    async def generate_questions(
        self, request: QuestionRequest, profile: CandidateProfile
    ) -> list[Question]:
        return await self._record(
            "generate_questions", self.engine.generate_questions(request, profile)
        )

    async def evaluate(self, item: AnswerToGrade) -> Evaluation:
        return await self._record("evaluate", self.engine.evaluate(item))

    async def study_plan(self, history: PerformanceHistory) -> StudyPlan:
        return await self._record("study_plan", self.engine.study_plan(history))

    async def evaluate_stream(self, item: AnswerToGrade) -> AsyncGenerator[str, None]:
        """Feedback text as the engine writes it, recorded once the stream ends or breaks.

        Engines that cannot stream (``can_stream`` is false) yield nothing. Consume it inside
        ``contextlib.aclosing`` so that stopping early still records the call.
        """
        if not isinstance(self.engine, StreamingEngine):
            return
        started = time.perf_counter()
        report = self._new_report()
        chunks = self.engine.evaluate_stream(item)
        try:
            while True:
                # The report is current only while the provider runs, never across our yield,
                # so the consumer's own calls in between are not billed to this one.
                token = _current.set(report)
                try:
                    chunk = await anext(chunks)
                except StopAsyncIteration:
                    break
                finally:
                    _current.reset(token)
                yield chunk
        except GeneratorExit:
            report.note("stream closed by the caller")
            raise
        except Exception as error:
            report.failed(error)
            raise
        finally:
            await chunks.aclose()
            await self._write("evaluate_stream", report, started)

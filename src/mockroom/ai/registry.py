"""Which engine serves the app, and the built-in engine standing behind a hosted one.

The built-in engine is the default and needs nothing configured. With
``MOCKROOM_AI_PROVIDER=openai`` the hosted engine answers first; whenever it times out, fails,
returns invalid output or has its circuit open, the built-in engine serves that call and the
call's record says why. Hosted grades are checked against the built-in grader (see guard.py).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncGenerator, Awaitable, Callable
from contextlib import aclosing
from functools import cache
from typing import TypeVar

from mockroom.ai.engine import Engine
from mockroom.ai.guard import guard, rejected_by_gate
from mockroom.ai.recorder import StreamingEngine, current_report
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
from mockroom.ai.settings import AiSettings, ai_settings

logger = logging.getLogger("mockroom.ai")
Result = TypeVar("Result")


class FallbackEngine:
    def __init__(self, primary: StreamingEngine, backup: Engine) -> None:
        self.primary = primary
        self.backup = backup
        self.name = primary.name
        self.model_name: str = getattr(primary, "model_name", primary.name)

    async def generate_questions(
        self, request: QuestionRequest, profile: CandidateProfile
    ) -> list[Question]:
        return await self._either(
            self.primary.generate_questions(request, profile),
            lambda: self.backup.generate_questions(request, profile),
        )

    async def study_plan(self, history: PerformanceHistory) -> StudyPlan:
        return await self._either(
            self.primary.study_plan(history), lambda: self.backup.study_plan(history)
        )

    async def evaluate(self, item: AnswerToGrade) -> Evaluation:
        # The built-in grade is both the guard's evidence and the fallback, so it is computed
        # alongside the hosted call rather than after it.
        reference = asyncio.ensure_future(self.backup.evaluate(item))
        try:
            try:
                graded = await self.primary.evaluate(item)
            except Exception as error:
                _fell_back(error)
                return await reference
            try:
                evidence = await reference
            except Exception:
                logger.exception("the built-in grader failed; the hosted grade stands unchecked")
                _note("unguarded: built-in grader failed")
                return graded
        finally:
            if not reference.done():
                reference.cancel()
        guarded = guard(graded, evidence)
        if guarded.reason:
            _note(guarded.reason)
        return guarded.evaluation

    async def evaluate_stream(self, item: AnswerToGrade) -> AsyncGenerator[str, None]:
        """Hosted feedback as it is written, unless the built-in grader rejects the answer.

        The built-in grade runs alongside and is awaited before the first chunk goes out: an
        answer its gate rejects (an injection attempt, gibberish) gets the built-in feedback,
        so a fooled model never praises it live. The built-in feedback also stands in when the
        stream cannot start. A stream that breaks after it started ends quietly, with the
        reason recorded: the candidate keeps what they read, and ``evaluate`` gives the grade.
        """
        reference = asyncio.ensure_future(self.backup.evaluate(item))
        started = False
        try:
            async with aclosing(self.primary.evaluate_stream(item)) as chunks:
                async for chunk in chunks:
                    if not started:
                        started = True
                        rejected = await _rejected(reference)
                        if rejected is not None:
                            yield feedback_text(rejected)
                            return
                    yield chunk
        except Exception as error:
            if started:
                _failed(error)
                return
            _fell_back(error)
            yield feedback_text(await reference)
        finally:
            if not reference.done():
                reference.cancel()

    async def _either(
        self, primary: Awaitable[Result], backup: Callable[[], Awaitable[Result]]
    ) -> Result:
        try:
            return await primary
        except Exception as error:
            _fell_back(error)
        return await backup()


async def _rejected(reference: asyncio.Future[Evaluation]) -> Evaluation | None:
    """The built-in evaluation if its gate rejected the answer; None to let the LLM speak."""
    try:
        evidence = await reference
    except Exception:
        logger.exception("the built-in grader failed; the hosted feedback stands unchecked")
        _note("unguarded: built-in grader failed")
        return None
    flags = rejected_by_gate(evidence)
    if not flags:
        return None
    _note(f"stream replaced (gate: {', '.join(flags)})")
    return evidence


def _reason(error: Exception) -> str:
    if isinstance(error, ProviderError):
        return error.reason
    # Our own bug rather than the provider's: keep the traceback in the log, not the record.
    logger.exception("unexpected error from the hosted engine", exc_info=error)
    return f"unexpected error ({type(error).__name__})"


def _fell_back(error: Exception) -> None:
    reason = _reason(error)
    logger.warning("hosted engine failed (%s); the built-in engine serves this call", reason)
    report = current_report()
    if report is not None:
        report.outcome = "fallback"
        report.note(reason)


def _failed(error: Exception) -> None:
    reason = _reason(error)
    logger.warning("hosted feedback stream broke off (%s)", reason)
    report = current_report()
    if report is not None:
        report.outcome = "error"
        report.note(f"stream broke off: {reason}")


def _note(detail: str) -> None:
    report = current_report()
    if report is not None:
        report.note(detail)


def feedback_text(evaluation: Evaluation) -> str:
    """An evaluation as the prose a streamed feedback would be."""
    parts = [evaluation.summary]
    if evaluation.strengths:
        parts.append("What went well: " + " ".join(evaluation.strengths))
    if evaluation.improvements:
        parts.append("To improve: " + " ".join(evaluation.improvements))
    if evaluation.suggestions:
        parts.append("Next: " + " ".join(evaluation.suggestions))
    return "\n\n".join(parts)


def build_engine(settings: AiSettings) -> Engine:
    """The engine ``settings`` asks for, with the built-in engine behind any hosted one."""
    # Imported here so that starting the app does not load the model until it is needed.
    from mockroom.ai.providers.builtin.engine import BuiltinEngine

    if settings.provider == "builtin":
        return BuiltinEngine()
    from mockroom.ai.providers.openai_compat import OpenAICompatibleEngine

    return FallbackEngine(OpenAICompatibleEngine(settings), BuiltinEngine())


@cache
def default_engine() -> Engine:
    """The process-wide engine from the ``MOCKROOM_AI_*`` settings (built-in unless configured)."""
    return build_engine(ai_settings)

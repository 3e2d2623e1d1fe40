"""`mockroom ai ...`: check that the configured provider answers, and how fast."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import typer
from pydantic import BaseModel
from rich.console import Console
from rich.table import Table

from mockroom.ai.engine import Engine
from mockroom.ai.recorder import reporting
from mockroom.ai.resilience import ProviderError
from mockroom.ai.schemas import (
    AnswerToGrade,
    AreaResult,
    CandidateProfile,
    PerformanceHistory,
    Question,
    QuestionRequest,
)
from mockroom.ai.settings import AiSettings, Task, ai_settings

ai_app = typer.Typer(help="Hosted and self-hosted LLM providers.", no_args_is_help=True)
console = Console(soft_wrap=True)  # long endpoint URLs stay on one line

_SAMPLE_QUESTION = Question(
    question_type="technical",
    area="databases",
    difficulty="easy",
    prompt="What does a database index do, and what does it cost?",
    reference_answer=(
        "An index is a separate sorted structure, usually a B-tree, that lets the database find "
        "rows by a column without scanning the table. It speeds up reads but takes space and "
        "slows down writes, because every insert and update must maintain it."
    ),
    key_points=[
        "An index lets the database find rows without scanning the whole table.",
        "Indexes are usually B-trees kept in sorted order.",
        "Every write must also update the index, so writes get slower.",
    ],
)
_SAMPLE_ANSWER = (
    "An index is like the index of a book: a sorted B-tree on a column, so a lookup does not "
    "scan every row. The price is disk space and slower inserts and updates."
)


@dataclass(frozen=True)
class CheckResult:
    task: str
    model: str
    latency_ms: float
    problem: str | None
    tokens: int
    note: str | None


async def _check(
    engine: Engine, task: str, model: str, call: Callable[[], Awaitable[BaseModel | list[Question]]]
) -> CheckResult:
    started = time.perf_counter()
    with reporting(engine.name, model) as report:
        try:
            await call()
            problem = None
        except ProviderError as error:
            problem = error.reason
        except Exception as error:
            # Type only: an exception's text can carry a response body or a URL with a key.
            problem = f"unexpected error ({type(error).__name__})"
    return CheckResult(
        task=task,
        model=report.model,
        latency_ms=(time.perf_counter() - started) * 1000,
        problem=problem,
        tokens=report.prompt_tokens + report.completion_tokens,
        note=report.detail,
    )


async def run_checks(settings: AiSettings) -> list[CheckResult]:
    """Call the configured engine once per task, without the built-in fallback."""
    if settings.provider == "builtin":
        from mockroom.ai.providers.builtin.engine import BuiltinEngine

        return await _check_all(BuiltinEngine(), settings)
    from mockroom.ai.providers.openai_compat import OpenAICompatibleEngine

    hosted = OpenAICompatibleEngine(settings)
    try:
        return await _check_all(hosted, settings)
    finally:
        await hosted.client.close()


async def _check_all(engine: Engine, settings: AiSettings) -> list[CheckResult]:
    history = PerformanceHistory(
        profile=CandidateProfile(languages=["Python"]),
        results=[
            AreaResult(
                area="databases",
                question_type="technical",
                score=42,
                missed_key_points=_SAMPLE_QUESTION.key_points[1:],
            )
        ],
    )
    checks: dict[Task, Callable[[], Awaitable[BaseModel | list[Question]]]] = {
        "generate_questions": lambda: engine.generate_questions(
            QuestionRequest(question_type="technical", difficulty="easy", count=1),
            CandidateProfile(languages=["Python"]),
        ),
        "evaluate": lambda: engine.evaluate(
            AnswerToGrade(question=_SAMPLE_QUESTION, answer=_SAMPLE_ANSWER)
        ),
        "study_plan": lambda: engine.study_plan(history),
    }
    return [
        await _check(engine, task, _model(settings, task), call) for task, call in checks.items()
    ]


def _model(settings: AiSettings, task: Task) -> str:
    return "builtin" if settings.provider == "builtin" else settings.model_for(task)


@ai_app.command()
def check() -> None:
    """Call the configured provider once per task; print latency and whether output was valid."""
    settings = ai_settings
    where = "built-in engine" if settings.provider == "builtin" else settings.base_url
    console.print(f"Provider: [bold]{settings.provider}[/bold] ({where})")
    results = asyncio.run(run_checks(settings))
    table = Table("task", "model", "latency", "valid", "tokens", "note")
    for result in results:
        table.add_row(
            result.task,
            result.model,
            f"{result.latency_ms:,.0f} ms",
            "[green]yes[/green]" if result.problem is None else f"[red]no[/red]: {result.problem}",
            str(result.tokens),
            result.note or "",
        )
    console.print(table)
    if any(result.problem for result in results):
        raise typer.Exit(code=1)

"""`mockroom ai check`: one call per task, latency and validity, no secrets in the output."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import typer
from typer.testing import CliRunner

from mockroom.ai.cli import ai_app, run_checks
from mockroom.ai.schemas import CriterionScores, Evaluation, StudyPlan
from mockroom.ai.settings import AiSettings
from tests.ai.fake_openai import FakeOpenAI, error, json_completion, running

QUESTIONS = {
    "questions": [
        {
            "question_type": "technical",
            "area": "python",
            "difficulty": "easy",
            "prompt": "What does the GIL protect in CPython?",
            "reference_answer": "It protects interpreter state such as reference counts.",
            "key_points": ["Only one thread runs Python bytecode at a time."],
        }
    ]
}
EVALUATION = Evaluation(
    overall=70,
    criteria=CriterionScores(
        technical_accuracy=70, completeness=70, clarity=70, problem_solving=70
    ),
    summary="Good.",
)
PLAN = StudyPlan(summary="Plan.", periods=[])


@pytest.fixture(scope="module")
def fake_server() -> Iterator[FakeOpenAI]:
    with running() as server:
        yield server


@pytest.fixture
def settings(fake_server: FakeOpenAI) -> AiSettings:
    fake_server.reset()
    return AiSettings(
        _env_file=None,
        provider="openai",
        base_url=fake_server.base_url,
        api_key="sk-do-not-print",
        model="checked-model",
        timeout_seconds=0.5,
        max_retries=0,
    )


async def test_check_calls_each_task_once_and_reports_validity(
    fake_server: FakeOpenAI, settings: AiSettings
) -> None:
    fake_server.push(
        json_completion(QUESTIONS),
        json_completion(EVALUATION.model_dump(), prompt_tokens=10, completion_tokens=5),
        json_completion({"summary": "missing periods"}),
        json_completion({"summary": "still missing periods"}),
    )

    generate, evaluate, plan = await run_checks(settings)

    assert [result.task for result in (generate, evaluate, plan)] == [
        "generate_questions",
        "evaluate",
        "study_plan",
    ]
    assert generate.problem is None and evaluate.problem is None
    assert evaluate.tokens == 15 and evaluate.model == "checked-model"
    assert plan.problem == "invalid output, also after a repair request"
    assert all(result.latency_ms > 0 for result in (generate, evaluate, plan))
    assert len(fake_server.requests) == 4


async def test_check_reports_auth_failures_without_the_servers_words(
    fake_server: FakeOpenAI, settings: AiSettings
) -> None:
    fake_server.always(error(401, "Incorrect API key provided: sk-do-not-print"))

    results = await run_checks(settings)

    assert {result.problem for result in results} == {"not authorised (401): check the API key"}


def test_the_command_prints_a_table_for_the_builtin_engine() -> None:
    # Mounted the way mockroom.cli mounts it; with no provider set the built-in engine is checked.
    mockroom = typer.Typer()
    mockroom.add_typer(ai_app, name="ai")

    outcome = CliRunner().invoke(mockroom, ["ai", "check"], env={"COLUMNS": "160"})

    assert outcome.exit_code == 0, outcome.output
    assert "Provider: builtin" in outcome.output
    for task in ("generate_questions", "evaluate", "study_plan"):
        assert task in outcome.output
    assert outcome.output.count("yes") == 3

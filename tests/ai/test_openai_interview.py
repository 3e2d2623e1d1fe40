"""An interview run on a hosted engine, end to end through the API and the fake server."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from mockroom.ai.schemas import CriterionScores, Evaluation
from mockroom.app import create_app
from mockroom.models import AiCall
from tests.ai.fake_openai import FakeOpenAI, error, hosted_engine, json_completion, running
from tests.conftest import Database, running_app, sign_up

KEY_POINTS = [
    "An index lets the database find rows without scanning the whole table.",
    "Every insert and update must also update the index, so writes get slower.",
]
QUESTION = {
    "question_type": "technical",
    "area": "databases",
    "difficulty": "medium",
    "prompt": "What does a database index do, and what does it cost you?",
    "reference_answer": (
        "An index lets the database find rows without a full scan; every write must also "
        "maintain it, so writes get slower."
    ),
    "key_points": KEY_POINTS,
}
ANSWER = (
    "An index lets the database find the matching rows without scanning the whole table. "
    "The cost is on writes: every insert and update must also update the index, so they get "
    "slower."
)


def evaluation(overall: float) -> dict[str, Any]:
    return Evaluation(
        overall=overall,
        criteria=CriterionScores(
            technical_accuracy=overall,
            completeness=overall,
            clarity=overall,
            problem_solving=overall,
        ),
        summary="You covered both the benefit and the cost of an index.",
        covered_key_points=KEY_POINTS,
    ).model_dump()


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeOpenAI]:
    with running() as server:
        yield server


@pytest.fixture
async def client(database: Database, fake: FakeOpenAI) -> AsyncIterator[httpx.AsyncClient]:
    fake.reset()
    application = create_app(database.settings, engine=hosted_engine(fake, timeout_seconds=0.5))
    async with running_app(application) as client:
        yield client


async def test_questions_and_grades_come_from_the_hosted_model_with_fallback(
    client: httpx.AsyncClient, fake: FakeOpenAI, session: AsyncSession
) -> None:
    carol = await sign_up(client, "carol@example.com", "Carol")
    fake.push(
        json_completion({"questions": [QUESTION, QUESTION | {"area": "indexing"}]}),
        json_completion(evaluation(86), prompt_tokens=700, completion_tokens=150),
        error(503),
    )

    created = await client.post(
        "/api/v1/interviews",
        json={
            "title": "Hosted practice",
            "interview_type": "technical",
            "difficulty": "medium",
            "question_count": 2,
            "duration_minutes": 30,
        },
        headers=carol,
    )
    assert created.status_code == 201, created.text
    interview_id = created.json()["id"]
    started = await client.post(f"/api/v1/interviews/{interview_id}/start", headers=carol)
    assert started.json()["current_question"]["prompt"] == QUESTION["prompt"]

    scores = []
    for _ in range(2):
        answered = await client.post(
            f"/api/v1/interviews/{interview_id}/answers", json={"answer": ANSWER}, headers=carol
        )
        assert answered.status_code == 200, answered.text
        scores.append(answered.json()["response"]["score"])

    assert scores[0] == 86, "the hosted grade"
    assert scores[1] is not None and scores[1] != 86, "the built-in grade after a 503"
    rows = list(await session.scalars(select(AiCall).order_by(AiCall.id)))
    assert [(row.task, row.outcome, row.detail) for row in rows] == [
        ("generate_questions", "ok", None),
        ("evaluate", "ok", None),
        ("evaluate", "fallback", "server error (503)"),
    ]
    usage = (await client.get("/api/v1/ai/usage", headers=carol)).json()
    assert usage["total"] == {
        "calls": 3,
        "prompt_tokens": 820,
        "completion_tokens": 230,
        "cost_usd": 0.0,
    }

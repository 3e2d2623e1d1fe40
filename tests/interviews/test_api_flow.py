"""The interview loop through the JSON API, on every configured database."""

from __future__ import annotations

import httpx
import pytest

NEW_INTERVIEW = {
    "title": "Backend practice",
    "interview_type": "technical",
    "difficulty": "medium",
    "question_count": 3,
    "duration_minutes": 30,
    "follow_ups": False,
}


async def create(client: httpx.AsyncClient, headers: dict[str, str], **changes: object) -> dict:
    response = await client.post(
        "/api/v1/interviews", json={**NEW_INTERVIEW, **changes}, headers=headers
    )
    assert response.status_code == 201, response.text
    return response.json()


async def act(
    client: httpx.AsyncClient, headers: dict[str, str], interview_id: int, action: str
) -> httpx.Response:
    return await client.post(f"/api/v1/interviews/{interview_id}/{action}", headers=headers)


async def test_full_loop_produces_a_report_with_every_answer(
    client: httpx.AsyncClient, alice: dict[str, str]
) -> None:
    interview = await create(client, alice)
    assert interview["status"] == "scheduled"
    assert interview["question_count"] == 3
    started = (await act(client, alice, interview["id"], "start")).json()
    assert started["status"] == "in_progress"
    assert started["current_question"]["position"] == 0

    # Answer with the reference-quality text of nothing in particular: the point is the loop.
    answers = []
    state = started
    for number in range(3):
        question = state["current_question"]
        text = f"Answer {number}: {question['prompt'][:60]} is handled by weighing the trade-offs."
        result = await client.post(
            f"/api/v1/interviews/{interview['id']}/answers", json={"answer": text}, headers=alice
        )
        assert result.status_code == 200, result.text
        body = result.json()
        assert body["response"]["evaluation_status"] == "evaluated"
        assert 0 <= body["response"]["score"] <= 100
        assert body["response"]["evaluation"]["criteria"].keys() == {
            "technical_accuracy",
            "completeness",
            "clarity",
            "problem_solving",
        }
        answers.append(text)
        state = body["interview"]

    assert state["status"] == "completed"
    assert state["end_reason"] == "answered_all"
    assert state["performance_score"] is not None

    report = (
        await client.get(f"/api/v1/interviews/{interview['id']}/report", headers=alice)
    ).json()
    assert report["overall_score"] == state["performance_score"]
    assert set(report["criteria"]) == {
        "technical_accuracy",
        "completeness",
        "clarity",
        "problem_solving",
    }
    assert [item["response"]["answer"] for item in report["items"]] == answers
    assert report["answered"] == 3 and report["skipped"] == 0 and report["unanswered"] == 0


async def test_skip_counts_as_zero_and_completion_writes_metrics(
    client: httpx.AsyncClient, alice: dict[str, str]
) -> None:
    interview = await create(client, alice, question_count=2)
    await act(client, alice, interview["id"], "start")
    skipped = (await act(client, alice, interview["id"], "skip")).json()
    assert skipped["response"]["skipped"] is True
    assert skipped["response"]["score"] == 0
    await act(client, alice, interview["id"], "skip")
    report = (
        await client.get(f"/api/v1/interviews/{interview['id']}/report", headers=alice)
    ).json()
    assert report["overall_score"] == 0
    assert report["skipped"] == 2
    assert report["interview"]["status"] == "completed"


async def test_ending_early_leaves_unanswered_questions_at_zero(
    client: httpx.AsyncClient, alice: dict[str, str]
) -> None:
    interview = await create(client, alice, question_count=3)
    await act(client, alice, interview["id"], "start")
    await act(client, alice, interview["id"], "pause")
    completed = (await act(client, alice, interview["id"], "complete")).json()
    assert completed["status"] == "completed"
    assert completed["end_reason"] == "ended_early"
    report = (
        await client.get(f"/api/v1/interviews/{interview['id']}/report", headers=alice)
    ).json()
    assert report["unanswered"] == 3
    assert all(item["response"] is None for item in report["items"])


async def test_history_pages_with_a_cursor(
    client: httpx.AsyncClient, alice: dict[str, str]
) -> None:
    created = [await create(client, alice, title=f"Round {n}", question_count=1) for n in range(5)]
    first = (await client.get("/api/v1/interviews?limit=2", headers=alice)).json()
    assert [item["title"] for item in first["items"]] == ["Round 4", "Round 3"]
    second = (
        await client.get(f"/api/v1/interviews?limit=2&cursor={first['next_cursor']}", headers=alice)
    ).json()
    assert [item["title"] for item in second["items"]] == ["Round 2", "Round 1"]
    third = (
        await client.get(
            f"/api/v1/interviews?limit=2&cursor={second['next_cursor']}", headers=alice
        )
    ).json()
    assert [item["id"] for item in third["items"]] == [created[0]["id"]]
    assert third["next_cursor"] is None
    bad = await client.get("/api/v1/interviews?cursor=not-a-cursor", headers=alice)
    assert bad.status_code == 422
    assert bad.json()["detail"][0]["field"] == "cursor"


@pytest.mark.parametrize("topic", ["python", "sql-databases"])
async def test_focus_topics_steer_the_questions(
    client: httpx.AsyncClient, alice: dict[str, str], topic: str
) -> None:
    interview = await create(client, alice, question_count=3, focus_topics=[topic])
    await act(client, alice, interview["id"], "start")
    report = (
        await client.get(f"/api/v1/interviews/{interview['id']}/report", headers=alice)
    ).json()
    assert any(item["question"]["area"] == topic for item in report["items"])

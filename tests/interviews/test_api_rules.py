"""Bad input, ownership, the server clock, and answers that survive a failed evaluation."""

from __future__ import annotations

from datetime import timedelta

import httpx
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from mockroom.db.base import utcnow
from mockroom.models import Interview, InterviewResponse


async def _started(client: httpx.AsyncClient, headers: dict[str, str], count: int = 2) -> dict:
    created = await client.post(
        "/api/v1/interviews",
        json={"title": "Rules", "question_count": count, "duration_minutes": 10},
        headers=headers,
    )
    assert created.status_code == 201, created.text
    started = await client.post(f"/api/v1/interviews/{created.json()['id']}/start", headers=headers)
    return started.json()


async def test_empty_and_oversized_answers_are_refused(
    client: httpx.AsyncClient, alice: dict[str, str]
) -> None:
    interview = await _started(client, alice)
    url = f"/api/v1/interviews/{interview['id']}/answers"
    empty = await client.post(url, json={"answer": "   \n "}, headers=alice)
    assert empty.status_code == 422
    assert empty.json()["detail"][0]["field"] == "answer"
    assert "empty" in empty.json()["detail"][0]["message"]
    huge = await client.post(url, json={"answer": "a" * 20_001}, headers=alice)
    assert huge.status_code in (413, 422)
    still = await client.get(f"/api/v1/interviews/{interview['id']}", headers=alice)
    assert still.json()["current_position"] == 0


async def test_malformed_json_names_the_field(
    client: httpx.AsyncClient, alice: dict[str, str]
) -> None:
    broken = await client.post(
        "/api/v1/interviews",
        content=b'{"title": "x", "question_count": ',
        headers={**alice, "Content-Type": "application/json"},
    )
    assert broken.status_code == 422
    wrong_type = await client.post(
        "/api/v1/interviews", json={"title": "x", "question_count": "many"}, headers=alice
    )
    assert wrong_type.status_code == 422
    assert [item["field"] for item in wrong_type.json()["detail"]] == ["question_count"]
    out_of_range = await client.post(
        "/api/v1/interviews", json={"title": "x", "duration_minutes": 1000}, headers=alice
    )
    assert out_of_range.json()["detail"][0]["field"] == "duration_minutes"


async def test_api_requires_a_token(client: httpx.AsyncClient) -> None:
    anonymous = await client.get("/api/v1/interviews")
    assert anonymous.status_code == 401
    assert anonymous.json()["error"]
    forged = await client.get("/api/v1/interviews", headers={"Authorization": "Bearer mr_forged"})
    assert forged.status_code == 401


async def test_another_users_interview_is_not_found(
    client: httpx.AsyncClient, alice: dict[str, str], bob: dict[str, str]
) -> None:
    interview = await _started(client, alice)
    interview_id = interview["id"]
    answer = await client.post(
        f"/api/v1/interviews/{interview_id}/answers", json={"answer": "Mine."}, headers=alice
    )
    response_id = answer.json()["response"]["id"]
    for method, path, body in [
        ("GET", f"/api/v1/interviews/{interview_id}", None),
        ("GET", f"/api/v1/interviews/{interview_id}/report", None),
        ("GET", f"/api/v1/interviews/{interview_id}/responses", None),
        ("POST", f"/api/v1/interviews/{interview_id}/pause", None),
        ("POST", f"/api/v1/interviews/{interview_id}/cancel", None),
        ("POST", f"/api/v1/interviews/{interview_id}/skip", None),
        ("POST", f"/api/v1/interviews/{interview_id}/answers", {"answer": "Not mine."}),
        ("POST", f"/api/v1/interviews/{interview_id}/responses/{response_id}/evaluate", None),
    ]:
        response = await client.request(method, path, json=body, headers=bob)
        assert response.status_code == 404, (method, path, response.text)
        assert response.json() == {"error": "No such interview.", "detail": None}
    assert (await client.get("/api/v1/interviews", headers=bob)).json()["items"] == []
    unknown = await client.get("/api/v1/interviews/999999", headers=alice)
    assert unknown.status_code == 404
    untouched = (await client.get(f"/api/v1/interviews/{interview_id}", headers=alice)).json()
    assert untouched["status"] == "in_progress"
    assert untouched["current_position"] == 1


async def test_the_server_clock_ends_an_interview_when_time_is_up(
    client: httpx.AsyncClient, alice: dict[str, str], session: AsyncSession
) -> None:
    interview = await _started(client, alice, count=3)
    await client.post(
        f"/api/v1/interviews/{interview['id']}/answers",
        json={"answer": "A first answer."},
        headers=alice,
    )
    # Move the start of the running stretch eleven minutes back, as if the candidate had left.
    await session.execute(
        update(Interview)
        .where(Interview.id == interview["id"])
        .values(resumed_at=utcnow() - timedelta(minutes=11))
    )
    await session.commit()
    late = await client.post(
        f"/api/v1/interviews/{interview['id']}/answers", json={"answer": "Too late."}, headers=alice
    )
    assert late.status_code == 409
    state = (await client.get(f"/api/v1/interviews/{interview['id']}", headers=alice)).json()
    assert state["status"] == "completed"
    assert state["end_reason"] == "time_up"
    assert state["remaining_seconds"] == 0
    report = (
        await client.get(f"/api/v1/interviews/{interview['id']}/report", headers=alice)
    ).json()
    assert report["answered"] == 1 and report["unanswered"] == 2


async def test_a_pending_answer_is_kept_and_graded_on_retry(
    client: httpx.AsyncClient, alice: dict[str, str], session: AsyncSession
) -> None:
    interview = await _started(client, alice)
    answered = await client.post(
        f"/api/v1/interviews/{interview['id']}/answers",
        json={"answer": "An index keeps keys sorted so lookups avoid a full scan."},
        headers=alice,
    )
    response_id = answered.json()["response"]["id"]
    # A crash between storing and grading leaves exactly this row behind.
    await session.execute(
        update(InterviewResponse)
        .where(InterviewResponse.id == response_id)
        .values(evaluation_status="pending", ai_score=None, evaluation=None)
    )
    await session.commit()
    listed = (
        await client.get(f"/api/v1/interviews/{interview['id']}/responses", headers=alice)
    ).json()
    assert listed[0]["evaluation_status"] == "pending"
    assert listed[0]["answer"].startswith("An index keeps keys sorted")
    url = f"/api/v1/interviews/{interview['id']}/responses/{response_id}/evaluate"
    retried = (await client.post(url, headers=alice)).json()
    assert retried["evaluation_status"] == "evaluated"
    again = (await client.post(url, headers=alice)).json()
    assert again["score"] == retried["score"]


async def test_completion_grades_answers_still_pending(
    client: httpx.AsyncClient, alice: dict[str, str], session: AsyncSession
) -> None:
    interview = await _started(client, alice, count=2)
    answered = await client.post(
        f"/api/v1/interviews/{interview['id']}/answers",
        json={"answer": "A hash map gives average constant time lookups."},
        headers=alice,
    )
    await session.execute(
        update(InterviewResponse)
        .where(InterviewResponse.id == answered.json()["response"]["id"])
        .values(evaluation_status="pending", ai_score=None, evaluation=None)
    )
    await session.commit()
    await client.post(f"/api/v1/interviews/{interview['id']}/complete", headers=alice)
    report = (
        await client.get(f"/api/v1/interviews/{interview['id']}/report", headers=alice)
    ).json()
    assert report["items"][0]["response"]["evaluation_status"] == "evaluated"
    assert report["overall_score"] is not None

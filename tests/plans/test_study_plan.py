"""Study plans are built from stored results, kept, marked out of date, and rebuilt."""

from __future__ import annotations

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from mockroom.models import AiCall
from mockroom.questions.bank import load_bank
from tests.web.test_pages import post_form, register


async def _weak_interview(client: httpx.AsyncClient, headers: dict[str, str]) -> None:
    created = await client.post(
        "/api/v1/interviews",
        json={
            "title": "Python",
            "question_count": 2,
            "focus_topics": ["python"],
            "follow_ups": False,
        },
        headers=headers,
    )
    interview_id = created.json()["id"]
    await client.post(f"/api/v1/interviews/{interview_id}/start", headers=headers)
    for _ in range(2):
        await client.post(
            f"/api/v1/interviews/{interview_id}/answers",
            json={"answer": "It depends on the situation, I would look it up in the docs."},
            headers=headers,
        )


async def test_a_plan_targets_the_weak_area_and_goes_out_of_date(
    client: httpx.AsyncClient, alice: dict[str, str], session: AsyncSession
) -> None:
    missing = await client.get("/api/v1/study-plan", headers=alice)
    assert missing.status_code == 404
    assert "POST /api/v1/study-plan" in missing.json()["error"]

    await _weak_interview(client, alice)
    built = await client.post("/api/v1/study-plan", headers=alice)
    assert built.status_code == 201, built.text
    plan = built.json()
    assert plan["interviews_considered"] == 1 and plan["out_of_date"] is False
    topics = [topic for period in plan["plan"]["periods"] for topic in period["focus"]]
    python_topics = [topic for topic in topics if topic["area"] == "python"]
    assert python_topics, topics
    bank = {question.slug: question for question in load_bank()}
    for slug in python_topics[0]["practice_question_slugs"]:
        assert bank[slug].area == "python"

    await _weak_interview(client, alice)
    stale = (await client.get("/api/v1/study-plan", headers=alice)).json()
    assert stale["id"] == plan["id"] and stale["out_of_date"] is True
    rebuilt = (await client.post("/api/v1/study-plan", headers=alice)).json()
    assert rebuilt["id"] != plan["id"] and rebuilt["interviews_considered"] == 2
    tasks = await session.scalars(select(AiCall.task).where(AiCall.task == "study_plan"))
    assert len(list(tasks)) == 2


async def test_plans_are_private(
    client: httpx.AsyncClient, alice: dict[str, str], bob: dict[str, str]
) -> None:
    await client.post("/api/v1/study-plan", headers=alice)
    assert (await client.get("/api/v1/study-plan", headers=bob)).status_code == 404


async def test_the_page_shows_and_rebuilds_the_plan(client: httpx.AsyncClient) -> None:
    await register(client)
    empty = await client.get("/study-plan")
    assert "No plan yet" in empty.text
    built = await post_form(client, "/study-plan", "/study-plan", {})
    assert built.status_code == 303
    page = await client.get("/study-plan")
    assert "Summary" in page.text and "Rebuild my plan" in page.text
    refused = await client.post("/study-plan", data={})
    assert refused.status_code == 403

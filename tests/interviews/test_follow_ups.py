"""The interviewer follows up on a partial answer; answering it helps, declining costs nothing."""

from __future__ import annotations

import httpx
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from mockroom.ai.registry import default_engine
from mockroom.ai.schemas import AnswerToGrade, Question
from mockroom.interviews import follow_ups
from mockroom.models import InterviewQuestion
from mockroom.questions.bank import load_bank

_case: list[tuple[Question, str]] = []


async def _partial_answer(question: Question) -> str | None:
    sentences = question.reference_answer.split(". ")
    candidates = [". ".join(sentences[:count]) for count in range(1, len(sentences))]
    candidates += [" ".join(question.key_points[:n]) for n in range(1, len(question.key_points))]
    for candidate in candidates:
        item = AnswerToGrade(question=question, answer=candidate)
        if follow_ups.should_offer(await default_engine().evaluate(item), question.follow_ups):
            return candidate
    return None


async def follow_up_case() -> tuple[Question, str]:
    """The first technical question (by slug) with an answer the real grader finds partial.

    Which question an interview draws is random, and how partial a given answer looks depends
    on the question; fixing both keeps these tests about the flow.
    """
    if not _case:
        technical = sorted(
            (q for q in load_bank() if q.question_type == "technical"), key=lambda q: q.slug or ""
        )
        for question in technical:
            answer = await _partial_answer(question)
            if answer is not None:
                _case.append((question, answer))
                break
    assert _case, "no bank question has an answer in the follow-up band"
    return _case[0]


async def plant(session: AsyncSession, interview_id: int, question: Question) -> None:
    await session.execute(
        update(InterviewQuestion)
        .where(InterviewQuestion.interview_id == interview_id, InterviewQuestion.position == 0)
        .values(
            prompt=question.prompt,
            reference_answer=question.reference_answer,
            key_points=question.key_points,
            follow_ups=question.follow_ups,
            misconceptions=[item.model_dump() for item in question.misconceptions],
            area=question.area,
        )
    )
    await session.commit()


async def _started(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    session: AsyncSession,
    question: Question,
    **changes: object,
) -> dict:
    created = await client.post(
        "/api/v1/interviews",
        json={"title": "Follow-ups", "question_count": 2, **changes},
        headers=headers,
    )
    await plant(session, created.json()["id"], question)
    started = await client.post(f"/api/v1/interviews/{created.json()['id']}/start", headers=headers)
    return started.json()


async def _answer(
    client: httpx.AsyncClient, headers: dict[str, str], interview_id: int, text: str
) -> dict:
    response = await client.post(
        f"/api/v1/interviews/{interview_id}/answers", json={"answer": text}, headers=headers
    )
    assert response.status_code == 200, response.text
    return response.json()


async def test_a_partial_answer_gets_a_follow_up_that_can_raise_the_score(
    client: httpx.AsyncClient, alice: dict[str, str], session: AsyncSession
) -> None:
    question, partial_text = await follow_up_case()
    interview = await _started(client, alice, session, question)
    first = interview["current_question"]
    partial = await _answer(client, alice, interview["id"], partial_text)
    evaluation = partial["response"]["evaluation"]
    assert evaluation["missed_key_points"], evaluation
    follow_up = partial["interview"]["current_question"]
    assert follow_up["follow_up_of_id"] == first["id"]
    assert follow_up["prompt"] in question.follow_ups
    assert follow_up["position"] == first["position"]
    assert partial["interview"]["current_position"] == 0

    missed = evaluation["missed_key_points"]
    recovered = await _answer(client, alice, interview["id"], " ".join(missed))
    assert recovered["interview"]["current_question"]["position"] == 1
    assert recovered["interview"]["current_question"]["follow_up_of_id"] is None
    assert recovered["response"]["evaluation"]["covered_key_points"]

    await client.post(f"/api/v1/interviews/{interview['id']}/complete", headers=alice)
    report = (
        await client.get(f"/api/v1/interviews/{interview['id']}/report", headers=alice)
    ).json()
    main_score = partial["response"]["score"]
    follow_up_score = recovered["response"]["score"]
    # The first question is worth its own score plus half of whatever the follow-up scored
    # above it (never less); the unanswered second question counts as zero.
    expected = (main_score + max(0.0, follow_up_score - main_score) / 2) / 2
    assert abs(report["overall_score"] - expected) < 0.2
    assert report["unanswered"] == 1 and report["answered"] == 1


async def test_declining_a_follow_up_moves_on_without_a_penalty(
    client: httpx.AsyncClient, alice: dict[str, str], session: AsyncSession
) -> None:
    question, partial_text = await follow_up_case()
    interview = await _started(client, alice, session, question)
    partial = await _answer(client, alice, interview["id"], partial_text)
    assert partial["interview"]["current_question"]["follow_up_of_id"] is not None
    declined = (
        await client.post(f"/api/v1/interviews/{interview['id']}/skip", headers=alice)
    ).json()
    assert declined["response"]["skipped"] is True
    assert declined["interview"]["current_question"]["position"] == 1
    await client.post(f"/api/v1/interviews/{interview['id']}/complete", headers=alice)
    report = (
        await client.get(f"/api/v1/interviews/{interview['id']}/report", headers=alice)
    ).json()
    assert abs(report["overall_score"] - partial["response"]["score"] / 2) < 0.1
    assert report["skipped"] == 0


async def test_follow_ups_can_be_turned_off(
    client: httpx.AsyncClient, alice: dict[str, str], session: AsyncSession
) -> None:
    question, partial_text = await follow_up_case()
    interview = await _started(client, alice, session, question, follow_ups=False)
    partial = await _answer(client, alice, interview["id"], partial_text)
    assert partial["interview"]["current_question"]["position"] == 1

"""The room presents the interviewer's follow-up, and moving on from it is one button."""

from __future__ import annotations

import html
import re

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from tests.interviews.test_follow_ups import follow_up_case, plant
from tests.web.test_pages import act, answer, create_interview, register

PROMPT = re.compile(r'<p class="question-prompt">(.*?)</p>', re.DOTALL)


async def test_a_partial_answer_brings_a_follow_up_the_candidate_can_decline(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    question, partial_text = await follow_up_case()
    await register(client)
    interview_id = await create_interview(client, question_count="2", follow_ups="on")
    await plant(session, interview_id, question)
    await act(client, interview_id, "start")

    answered = await answer(client, interview_id, partial_text)
    feedback = await client.get(answered.headers["location"])
    assert "Hear the follow-up" in feedback.text

    follow_up = await client.get(f"/interviews/{interview_id}")
    assert "Follow-up · " in follow_up.text
    assert "Question 1 of 2" in follow_up.text
    prompt = PROMPT.search(follow_up.text)
    assert prompt and html.unescape(prompt.group(1)) in question.follow_ups
    assert ">Move on</button>" in follow_up.text

    await act(client, interview_id, "skip")
    assert "Question 2 of 2" in (await client.get(f"/interviews/{interview_id}")).text

"""The room's WebSocket: answers go in, progress and streamed feedback come out, strangers don't."""

from __future__ import annotations

import asyncio
import html
import json
import re
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from mockroom.questions.bank import load_bank
from tests.ai.fake_openai import FakeOpenAI, error, hosted_engine, json_completion, running, stream
from tests.ai.test_openai_interview import evaluation
from tests.conftest import STRONG_PASSWORD
from tests.live_server import live_server

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
PROMPT = re.compile(r'<p class="question-prompt">(.*?)</p>', re.DOTALL)


class Browser:
    """A cookie-keeping HTTP client that signs up and runs the room's forms, like a browser."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.http = httpx.Client(base_url=base_url, follow_redirects=False)
        self.csrf = ""

    def post_form(self, page: str, action: str, data: dict[str, str]) -> httpx.Response:
        found = CSRF.search(self.http.get(page).text)
        assert found
        self.csrf = found.group(1)
        return self.http.post(action, data={**data, "csrf_token": self.csrf})

    def start_interview(self) -> int:
        self.post_form(
            "/register",
            "/register",
            {
                "display_name": "Lee",
                "email": f"lee-{uuid.uuid4().hex[:8]}@example.com",
                "password": STRONG_PASSWORD,
                "password_confirmation": STRONG_PASSWORD,
            },
        )
        created = self.post_form(
            "/interviews/new",
            "/interviews/new",
            {
                "title": "Live",
                "interview_type": "technical",
                "difficulty": "medium",
                "question_count": "2",
                "duration_minutes": "30",
                "focus_topics": "",
            },
        )
        interview_id = int(created.headers["location"].rsplit("/", 1)[1])
        self.post_form(f"/interviews/{interview_id}", f"/interviews/{interview_id}/start", {})
        found = CSRF.search(self.http.get(f"/interviews/{interview_id}").text)
        assert found
        self.csrf = found.group(1)
        return interview_id

    def socket_headers(self, origin: str | None = None) -> dict[str, str]:
        cookies = "; ".join(f"{name}={value}" for name, value in self.http.cookies.items())
        return {"Cookie": cookies, "Origin": origin or self.base_url}

    def socket_url(self, interview_id: int) -> str:
        return self.base_url.replace("http://", "ws://") + f"/ws/interviews/{interview_id}"


async def exchange(browser: Browser, interview_id: int, message: dict[str, Any]) -> list[dict]:
    received = []
    async with connect(
        browser.socket_url(interview_id), additional_headers=browser.socket_headers()
    ) as socket:
        await socket.send(json.dumps(message))
        while True:
            received.append(json.loads(await socket.recv()))
            if received[-1]["type"] in ("evaluated", "error"):
                return received


@pytest.fixture(scope="module")
def builtin_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with live_server(tmp_path_factory.mktemp("live")) as url:
        yield url


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeOpenAI]:
    with running() as server:
        yield server


@pytest.fixture(scope="module")
def streaming_server(tmp_path_factory: pytest.TempPathFactory, fake: FakeOpenAI) -> Iterator[str]:
    engine = hosted_engine(fake)
    with live_server(Path(tmp_path_factory.mktemp("streaming")), engine=engine) as url:
        yield url


async def test_an_answer_is_stored_graded_and_the_room_moves_on(builtin_server: str) -> None:
    browser = Browser(builtin_server)
    interview_id = browser.start_interview()
    messages = await exchange(
        browser,
        interview_id,
        {
            "type": "answer",
            "answer": "A hash map gives average O(1) lookups.",
            "csrf_token": browser.csrf,
        },
    )
    assert [message["type"] for message in messages] == ["stored", "evaluated"]
    # The channel is closed again, and the gauge of open channels says so (the server notices
    # the close a moment after the client).
    for _ in range(40):
        if "mockroom_websocket_connections 0.0" in browser.http.get("/metrics").text:
            break
        await asyncio.sleep(0.05)
    else:
        raise AssertionError("the open-channel gauge did not return to zero")
    evaluated = messages[-1]
    assert 0 <= evaluated["score"] <= 100
    feedback = browser.http.get(evaluated["redirect"])
    assert feedback.status_code == 200
    assert "A hash map gives average O(1) lookups." in feedback.text


async def test_bad_messages_get_clear_errors(builtin_server: str) -> None:
    browser = Browser(builtin_server)
    interview_id = browser.start_interview()
    empty = await exchange(
        browser, interview_id, {"type": "answer", "answer": "  ", "csrf_token": browser.csrf}
    )
    assert empty[-1] == {
        "type": "error",
        "status": 422,
        "message": "the answer is empty; write an answer or skip the question",
    }
    forged = await exchange(
        browser, interview_id, {"type": "answer", "answer": "Hi.", "csrf_token": "forged"}
    )
    assert forged[-1]["status"] == 403
    unknown = await exchange(
        browser, 999_999, {"type": "answer", "answer": "Hi.", "csrf_token": browser.csrf}
    )
    assert unknown[-1] == {"type": "error", "status": 404, "message": "No such interview."}


async def test_strangers_and_other_sites_are_turned_away(builtin_server: str) -> None:
    browser = Browser(builtin_server)
    interview_id = browser.start_interview()
    for headers in (
        browser.socket_headers(origin="http://evil.example"),
        {"Origin": builtin_server},
    ):
        # Refused before the handshake completes, which a client sees as HTTP 403.
        with pytest.raises(InvalidStatus) as refused:
            async with connect(browser.socket_url(interview_id), additional_headers=headers):
                pass
        assert refused.value.response.status_code == 403
    stranger = Browser(builtin_server)
    stranger.start_interview()
    answered = await exchange(
        stranger,
        interview_id,
        {"type": "answer", "answer": "Not my interview.", "csrf_token": stranger.csrf},
    )
    assert answered[-1] == {"type": "error", "status": 404, "message": "No such interview."}
    room = browser.http.get(f"/interviews/{interview_id}")
    assert "Question 1 of 2" in room.text


async def test_a_streaming_engine_shows_feedback_as_it_is_written(
    streaming_server: str, fake: FakeOpenAI
) -> None:
    fake.reset()
    fake.push(error(500))  # question generation falls back to the bank
    browser = Browser(streaming_server)
    interview_id = browser.start_interview()
    fake.push(
        stream("You explained ", "lookups well; ", "mention the write cost."),
        json_completion(evaluation(72)),
    )
    # An on-topic answer, so the score guard lets the hosted model's feedback through.
    room = browser.http.get(f"/interviews/{interview_id}").text
    found = PROMPT.search(room)
    assert found
    question = next(q for q in load_bank() if q.prompt == html.unescape(found.group(1)))
    messages = await exchange(
        browser,
        interview_id,
        {"type": "answer", "answer": question.reference_answer, "csrf_token": browser.csrf},
    )
    chunks = [message["text"] for message in messages if message["type"] == "feedback_chunk"]
    assert messages[0]["type"] == "stored"
    assert "".join(chunks).startswith("You explained lookups well")
    assert messages[-1]["type"] == "evaluated"


async def test_a_flood_of_messages_is_slowed_down(tmp_path_factory: pytest.TempPathFactory) -> None:
    with live_server(tmp_path_factory.mktemp("flood"), websocket_messages_per_minute=3) as url:
        browser = Browser(url)
        interview_id = browser.start_interview()
        async with connect(
            browser.socket_url(interview_id), additional_headers=browser.socket_headers()
        ) as socket:
            replies = []
            for _ in range(4):
                await socket.send(json.dumps({"type": "ping"}))
                replies.append(json.loads(await socket.recv()))
    assert [reply["status"] for reply in replies] == [400, 400, 400, 429]
    assert replies[-1]["retry_after"] >= 1
    assert replies[-1]["message"].startswith("Slow down: too many messages.")

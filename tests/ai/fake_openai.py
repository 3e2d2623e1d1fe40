"""A small OpenAI-compatible server of our own, scripted per test, spoken to over real HTTP.

Each test queues the replies it wants (status, headers, body, a delay, or streamed chunks);
the server answers ``POST /v1/chat/completions`` with them in order and keeps every request
body it received, so a test can read exactly what the provider sent. It runs under uvicorn
on its own thread and event loop, on a free port of 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections import deque
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from mockroom.ai.providers.builtin.engine import BuiltinEngine
from mockroom.ai.providers.openai_compat import OpenAICompatibleEngine
from mockroom.ai.registry import FallbackEngine
from mockroom.ai.settings import AiSettings
from tests.live_server import BackgroundServer


@dataclass(frozen=True)
class Reply:
    """One scripted reply. ``chunks`` makes it a server-sent-event stream of text deltas."""

    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    chunks: tuple[str, ...] | None = None
    usage: dict[str, int] | None = None


def completion(
    content: str, *, prompt_tokens: int = 120, completion_tokens: int = 80, model: str = "fake"
) -> Reply:
    """A successful chat completion whose message is ``content``."""
    return Reply(
        body={
            "id": "chatcmpl-fake",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": model,
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": content},
                    "finish_reason": "stop",
                }
            ],
            "usage": {
                "prompt_tokens": prompt_tokens,
                "completion_tokens": completion_tokens,
                "total_tokens": prompt_tokens + completion_tokens,
            },
        }
    )


def json_completion(
    payload: Any, *, prompt_tokens: int = 120, completion_tokens: int = 80
) -> Reply:
    return completion(
        json.dumps(payload), prompt_tokens=prompt_tokens, completion_tokens=completion_tokens
    )


def error(status: int, message: str = "scripted failure", **headers: str) -> Reply:
    return Reply(
        status=status,
        body={"error": {"message": message, "type": "server_error", "code": None}},
        headers=headers,
    )


def stream(*chunks: str, prompt_tokens: int = 50, completion_tokens: int = 20) -> Reply:
    return Reply(
        chunks=chunks,
        usage={
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
        },
    )


class FakeOpenAI:
    """Start with ``start()``; script with ``push``/``always``; read ``requests``; ``reset``."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._queue: deque[Reply] = deque()
        self._fallback: Reply = error(500, "nothing scripted for this request")
        self._requests: list[dict[str, Any]] = []
        self._background = BackgroundServer("the fake OpenAI server")

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._background.port}/v1"

    @property
    def requests(self) -> list[dict[str, Any]]:
        with self._lock:
            return list(self._requests)

    def push(self, *replies: Reply) -> None:
        with self._lock:
            self._queue.extend(replies)

    def always(self, reply: Reply) -> None:
        """The reply given once the queue is empty."""
        with self._lock:
            self._fallback = reply

    def reset(self) -> None:
        with self._lock:
            self._queue.clear()
            self._requests.clear()
            self._fallback = error(500, "nothing scripted for this request")

    def _next(self, body: dict[str, Any]) -> Reply:
        with self._lock:
            self._requests.append(body)
            return self._queue.popleft() if self._queue else self._fallback

    async def _chat_completions(self, request: Request) -> Response:
        reply = self._next(await request.json())
        if reply.delay:
            await asyncio.sleep(reply.delay)
        if reply.chunks is not None:
            return StreamingResponse(
                _events(reply.chunks, reply.usage), media_type="text/event-stream"
            )
        return JSONResponse(reply.body, status_code=reply.status, headers=reply.headers)

    def start(self) -> None:
        app = Starlette(
            routes=[Route("/v1/chat/completions", self._chat_completions, methods=["POST"])]
        )
        self._background.start(app)

    def stop(self) -> None:
        self._background.stop()


async def _events(chunks: tuple[str, ...], usage: dict[str, int] | None) -> AsyncIterator[bytes]:
    base = {"id": "chatcmpl-fake", "object": "chat.completion.chunk", "created": 0, "model": "fake"}
    for text in chunks:
        chunk = {
            **base,
            "choices": [{"index": 0, "delta": {"content": text}, "finish_reason": None}],
        }
        yield f"data: {json.dumps(chunk)}\n\n".encode()
        await asyncio.sleep(0)
    finish = {**base, "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}
    yield f"data: {json.dumps(finish)}\n\n".encode()
    if usage is not None:
        yield f"data: {json.dumps({**base, 'choices': [], 'usage': usage})}\n\n".encode()
    yield b"data: [DONE]\n\n"


@contextmanager
def running() -> Iterator[FakeOpenAI]:
    server = FakeOpenAI()
    server.start()
    try:
        yield server
    finally:
        server.stop()


def hosted_engine(fake: FakeOpenAI, *, timeout_seconds: float = 2) -> FallbackEngine:
    """The engine the app builds for a hosted provider, pointed at the fake, no retries."""
    settings = AiSettings(
        _env_file=None,
        provider="openai",
        base_url=fake.base_url,
        model="interviewer-model",
        timeout_seconds=timeout_seconds,
        max_retries=0,
    )
    return FallbackEngine(OpenAICompatibleEngine(settings), BuiltinEngine())

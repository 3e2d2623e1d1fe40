"""The interview room's live channel: an answer goes in, feedback streams out as it is written.

The page works without it (plain form posts); with it, the candidate sees progress and, where
the engine streams, the feedback being written. One database session per message; the answer
is committed before grading starts, so a dropped socket loses nothing (see service._catch_up).
"""

from __future__ import annotations

import logging
import uuid
from typing import Any
from urllib.parse import urlsplit

from fastapi import APIRouter, WebSocket, WebSocketDisconnect
from pydantic import ValidationError

from mockroom.auth import tokens
from mockroom.auth.deps import SESSION_COOKIE
from mockroom.auth.service import AuthService
from mockroom.db.row_security import set_actor
from mockroom.errors import AppError
from mockroom.interviews.schemas import AnswerCreate
from mockroom.interviews.service import InterviewService
from mockroom.metrics import WEBSOCKET_CONNECTIONS
from mockroom.models import User
from mockroom.security.limits import AiTask
from mockroom.security.ratelimit import TooManyRequests
from mockroom.web.openapi import RowId

router = APIRouter()
logger = logging.getLogger("mockroom.websocket")

POLICY_VIOLATION = 1008


class _Channel:
    """Sends to the browser, but never lets a gone browser stop the grading."""

    def __init__(self, websocket: WebSocket) -> None:
        self.websocket = websocket
        self.open = True

    async def send(self, message: dict[str, Any]) -> None:
        if not self.open:
            return
        try:
            await self.websocket.send_json(message)
        except (WebSocketDisconnect, RuntimeError):
            self.open = False


def _same_origin(websocket: WebSocket) -> bool:
    # Browsers send cookies with cross-site WebSocket handshakes; only our own pages may connect.
    origin = websocket.headers.get("origin", "")
    return bool(origin) and urlsplit(origin).netloc == websocket.headers.get("host", "")


async def _authenticate(websocket: WebSocket) -> tuple[int, str] | None:
    token = websocket.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    async with websocket.app.state.sessionmaker() as session:
        found = await AuthService(session).resume_session(token)
        await session.commit()
    return (found[0].id, found[1].csrf_token) if found else None


def _error(error: AppError) -> dict[str, Any]:
    message: dict[str, Any] = {"type": "error", "status": error.status, "message": error.message}
    if isinstance(error, TooManyRequests):
        message["retry_after"] = error.retry_after
    return message


@router.websocket("/ws/interviews/{interview_id}")
async def interview_channel(websocket: WebSocket, interview_id: RowId) -> None:
    actor = await _authenticate(websocket) if _same_origin(websocket) else None
    if actor is None:
        await websocket.close(code=POLICY_VIOLATION)
        return
    await websocket.accept()
    channel = _Channel(websocket)
    connection_id = uuid.uuid4().hex
    with WEBSOCKET_CONNECTIONS.track_inprogress():
        await _serve(websocket, channel, actor, interview_id, connection_id)


async def _serve(
    websocket: WebSocket,
    channel: _Channel,
    actor: tuple[int, str],
    interview_id: int,
    connection_id: str,
) -> None:
    while channel.open:
        try:
            message = await websocket.receive_json()
        except WebSocketDisconnect:
            return
        except ValueError:
            await channel.send({"type": "error", "status": 400, "message": "Send JSON messages."})
            continue
        try:
            await websocket.app.state.rate_limits.websocket_message(connection_id)
        except TooManyRequests as refused:
            await channel.send(_error(refused))
            continue
        await _handle(websocket, channel, actor, interview_id, message)


async def _handle(
    websocket: WebSocket,
    channel: _Channel,
    actor: tuple[int, str],
    interview_id: int,
    message: Any,
) -> None:
    user_id, csrf_token = actor
    if not isinstance(message, dict) or message.get("type") != "answer":
        await channel.send({"type": "error", "status": 400, "message": "Unknown message."})
        return
    if not tokens.same(str(message.get("csrf_token", "")), csrf_token):
        await channel.send(
            {"type": "error", "status": 403, "message": "Reload the page and try again."}
        )
        return
    async with websocket.app.state.sessionmaker() as session:
        try:
            data = AnswerCreate.model_validate({"answer": message.get("answer")})
            await websocket.app.state.rate_limits.spend(AiTask.ANSWER, user_id)
            # A session of its own per message: say who is acting (db/row_security.py).
            await set_actor(session, user_id)
            user = await session.get(User, user_id)
            if user is None:
                raise AppError("Sign in again.")
            service = InterviewService(session, websocket.app.state.engine, user)
            interview = await service.get(interview_id)
            response, question = await service.store_answer(interview, data.answer)
            await channel.send({"type": "stored", "response_id": response.id})
            async for chunk in service.stream_feedback(question, response):
                await channel.send({"type": "feedback_chunk", "text": chunk})
            await service.finish_answer(interview, question, response)
            await session.commit()
        except ValidationError as error:
            await session.rollback()
            problem = error.errors()[0]["msg"].removeprefix("Value error, ")
            await channel.send({"type": "error", "status": 422, "message": problem})
            return
        except AppError as error:
            await session.rollback()
            await channel.send(_error(error))
            return
    await channel.send(
        {
            "type": "evaluated",
            "response_id": response.id,
            "score": response.ai_score,
            "redirect": f"/interviews/{interview_id}/answers/{response.id}",
        }
    )

"""Interview pages: history, the new-interview form, the room, answer feedback and the report."""

from __future__ import annotations

import math
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import cache
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from mockroom.ai.schemas import CRITERIA, Evaluation
from mockroom.auth.deps import CsrfChecked
from mockroom.config import Settings
from mockroom.db.base import utcnow
from mockroom.errors import AppError, Conflict, NotFound
from mockroom.github import personalisation
from mockroom.github.deps import Github, refresh_after_response
from mockroom.interviews import clock
from mockroom.interviews.deps import PageInterview, PageInterviews
from mockroom.interviews.schemas import AnswerCreate, InterviewCreate
from mockroom.interviews.service import InterviewService
from mockroom.interviews.states import Action, Status, check
from mockroom.models import Interview, InterviewQuestion, InterviewResponse
from mockroom.questions.bank import bank_files
from mockroom.security.deps import page_allowance, rate_limits
from mockroom.security.limits import AiTask
from mockroom.security.ratelimit import TooManyRequests
from mockroom.security.responses import with_retry_after
from mockroom.web.openapi import BeforeRowId, RowId
from mockroom.web.templating import render
from mockroom.web.views import FORM_FIELD, field_errors, form_fields, see_other

router = APIRouter(prefix="/interviews", include_in_schema=False)

PAGE_SIZE = 10
# Ticked topics the new-interview form offers from the candidate's GitHub.
GITHUB_FOCUS_FIELD = "github_focus"
NEW_INTERVIEW_DEFAULTS = {
    "title": "",
    "interview_type": "technical",
    "difficulty": "medium",
    "question_count": "5",
    "duration_minutes": "30",
    "focus_topics": "",
    # A checkbox: browsers send "on" when it is ticked and nothing at all when it is not.
    "follow_ups": "on",
}


@dataclass(frozen=True)
class AnsweredQuestion:
    """One question with what became of it: an answer, a skip, or nothing yet."""

    question: InterviewQuestion
    response: InterviewResponse | None
    evaluation: Evaluation | None

    @property
    def criteria(self) -> dict[str, float]:
        return self.evaluation.criteria.model_dump() if self.evaluation else {}


def _answered(question: InterviewQuestion, response: InterviewResponse | None) -> AnsweredQuestion:
    stored = response.evaluation if response is not None else None
    evaluation = Evaluation.model_validate(stored) if stored else None
    return AnsweredQuestion(question=question, response=response, evaluation=evaluation)


@cache
def _bank_area_titles() -> dict[str, str]:
    return {bank_file.area: bank_file.title for bank_file in bank_files()}


def area_title(area: str) -> str:
    """How an area reads on a page: the bank's own title ("JavaScript"), else a tidied slug."""
    return _bank_area_titles().get(area) or area.replace("-", " ").replace("_", " ").capitalize()


def _room_url(interview: Interview) -> str:
    return f"/interviews/{interview.id}"


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


# ---------------------------------------------------------------------------- history


@router.get("", response_class=HTMLResponse)
async def history(
    request: Request,
    service: PageInterviews,
    status: Annotated[str | None, Query(max_length=20)] = None,
    before: BeforeRowId = None,
) -> HTMLResponse:
    # An unknown or empty status filter means "all", the same as choosing nothing.
    chosen = status if status in {item.value for item in Status} else None
    rows = await service.page(before_id=before, limit=PAGE_SIZE + 1, status=chosen)
    older = rows[PAGE_SIZE - 1].id if len(rows) > PAGE_SIZE else None
    context = {
        "user": service.user,
        "interviews": rows[:PAGE_SIZE],
        "status": chosen,
        "statuses": list(Status),
        "older": older,
        "paged": before is not None,
    }
    return render(request, "interviews/history.html", context)


# ---------------------------------------------------------------------------- new


def _new_page(
    request: Request,
    service: InterviewService,
    values: dict[str, str],
    errors: dict[str, str] | None = None,
    status_code: int = 200,
    github_chosen: list[str] | None = None,
) -> HTMLResponse:
    github = personalisation.focus_of(service.user)
    context = {
        "user": service.user,
        "values": values,
        "errors": errors or {},
        # What GitHub contributes; its suggested topics start ticked as focus topics.
        "github": github,
        "github_chosen": github.suggestions if github_chosen is None else github_chosen,
    }
    return render(request, "interviews/new.html", context, status_code=status_code)


@router.get("/new", response_class=HTMLResponse)
async def new_form(request: Request, service: PageInterviews, github: Github) -> HTMLResponse:
    page = _new_page(request, service, dict(NEW_INTERVIEW_DEFAULTS))
    await refresh_after_response(request, page, github, service.user)
    return page


@router.post("/new", response_class=HTMLResponse, dependencies=[CsrfChecked])
async def create(request: Request, service: PageInterviews) -> Response:
    submitted = await form_fields(request)
    values = {name: submitted.get(name, "") for name in NEW_INTERVIEW_DEFAULTS}
    github_chosen = [str(topic) for topic in (await request.form()).getlist(GITHUB_FOCUS_FIELD)]
    data: dict[str, Any] = {name: value for name, value in values.items() if name != "focus_topics"}
    data["focus_topics"] = [*values["focus_topics"].split(","), *github_chosen]
    data["follow_ups"] = values["follow_ups"] == "on"
    try:
        valid = InterviewCreate.model_validate(data)
        await rate_limits(request).spend(AiTask.INTERVIEW, service.user.id)
        interview = await service.create(valid)
    except ValidationError as error:
        errors = field_errors(error)
        return _new_page(request, service, values, errors, 422, github_chosen)
    except AppError as error:
        errors = {FORM_FIELD: error.message}
        page = _new_page(request, service, values, errors, error.status, github_chosen)
        return with_retry_after(page, error)
    return see_other(_room_url(interview))


# ---------------------------------------------------------------------------- the room


async def _room(
    request: Request,
    service: InterviewService,
    interview: Interview,
    *,
    notice: str | None = None,
    answer: str = "",
    answer_error: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    question = await service.current_question(interview)
    remaining = clock.remaining_seconds(interview, utcnow())
    context = {
        "user": service.user,
        "interview": interview,
        "question": question,
        "remaining_seconds": math.ceil(remaining),
        "max_answer_chars": _settings(request).max_answer_chars,
        "notice": notice,
        "answer": answer,
        "answer_error": answer_error,
        "analysis": interview.ai_analysis or {},
        "area_title": area_title,
    }
    return render(request, "interviews/room.html", context, status_code=status_code)


@router.get("/{interview_id}", response_class=HTMLResponse)
async def room(request: Request, interview: PageInterview, service: PageInterviews) -> HTMLResponse:
    return await _room(request, service, interview)


async def _transition(
    request: Request,
    service: InterviewService,
    interview: Interview,
    action: Callable[[Interview], Awaitable[Interview]],
    next_url: str,
) -> Response:
    """Apply a state change; an action the state machine refuses is explained in the room."""
    try:
        await action(interview)
    except Conflict as error:
        return await _room(request, service, interview, notice=error.message, status_code=409)
    return see_other(next_url)


@router.post("/{interview_id}/start", dependencies=[CsrfChecked])
async def start(request: Request, interview: PageInterview, service: PageInterviews) -> Response:
    return await _transition(request, service, interview, service.start, _room_url(interview))


@router.post("/{interview_id}/pause", dependencies=[CsrfChecked])
async def pause(request: Request, interview: PageInterview, service: PageInterviews) -> Response:
    return await _transition(request, service, interview, service.pause, _room_url(interview))


@router.post("/{interview_id}/resume", dependencies=[CsrfChecked])
async def resume(request: Request, interview: PageInterview, service: PageInterviews) -> Response:
    return await _transition(request, service, interview, service.resume, _room_url(interview))


@router.post("/{interview_id}/complete", dependencies=[CsrfChecked])
async def complete(request: Request, interview: PageInterview, service: PageInterviews) -> Response:
    report_url = f"{_room_url(interview)}/report"
    return await _transition(request, service, interview, service.complete, report_url)


@router.post("/{interview_id}/cancel", dependencies=[CsrfChecked])
async def cancel(request: Request, interview: PageInterview, service: PageInterviews) -> Response:
    return await _transition(request, service, interview, service.cancel, _room_url(interview))


@router.post("/{interview_id}/skip", dependencies=[CsrfChecked])
async def skip(request: Request, interview: PageInterview, service: PageInterviews) -> Response:
    try:
        await service.skip(interview)
    except Conflict as error:
        return await _room(request, service, interview, notice=error.message, status_code=409)
    if interview.status == Status.COMPLETED:
        return see_other(f"{_room_url(interview)}/report")
    return see_other(_room_url(interview))


@router.post("/{interview_id}/answer", dependencies=[CsrfChecked])
async def answer(request: Request, interview: PageInterview, service: PageInterviews) -> Response:
    # Browsers send line breaks as CRLF; counting them as one character matches what the user saw.
    text = (await form_fields(request)).get("answer", "").replace("\r\n", "\n")
    try:
        # The state comes first: an empty answer to a finished interview is a conflict, not a typo.
        check(Action.ANSWER, interview.status)
        data = AnswerCreate.model_validate({"answer": text})
        # Only an answer that will be graded spends from the allowance; a refused one is kept.
        await rate_limits(request).spend(AiTask.ANSWER, service.user.id)
        response = await service.answer(interview, data.answer)
    except Conflict as error:
        return await _room(request, service, interview, notice=error.message, status_code=409)
    except TooManyRequests as error:
        room = await _room(
            request, service, interview, answer=text, answer_error=error.message, status_code=429
        )
        return with_retry_after(room, error)
    except ValidationError as error:
        message = field_errors(error).get("answer")
        return await _room(
            request, service, interview, answer=text, answer_error=message, status_code=422
        )
    return see_other(f"{_room_url(interview)}/answers/{response.id}")


# ---------------------------------------------------------------------------- feedback


async def _find_answer(
    service: InterviewService, interview: Interview, response_id: int
) -> AnsweredQuestion:
    responses = {response.id: response for response in await service.responses(interview)}
    response = responses.get(response_id)
    if response is None:
        raise NotFound("No such answer in this interview.")
    questions = {question.id: question for question in await service.questions(interview)}
    return _answered(questions[response.interview_question_id], response)


@router.get("/{interview_id}/answers/{response_id}", response_class=HTMLResponse)
async def feedback(
    request: Request, response_id: RowId, interview: PageInterview, service: PageInterviews
) -> HTMLResponse:
    item = await _find_answer(service, interview, response_id)
    upcoming = await service.current_question(interview)
    context = {
        "user": service.user,
        "interview": interview,
        "item": item,
        "follow_up_next": upcoming is not None and upcoming.follow_up_of_id is not None,
    }
    return render(request, "interviews/feedback.html", context)


@router.post(
    "/{interview_id}/answers/{response_id}/evaluate",
    dependencies=[CsrfChecked, page_allowance(AiTask.ANSWER)],
)
async def evaluate_again(
    response_id: RowId, interview: PageInterview, service: PageInterviews
) -> Response:
    await service.retry_evaluation(interview, response_id)
    return see_other(f"{_room_url(interview)}/answers/{response_id}")


# ---------------------------------------------------------------------------- the report


@router.get("/{interview_id}/report", response_class=HTMLResponse)
async def report(request: Request, interview: PageInterview, service: PageInterviews) -> Response:
    if interview.status != Status.COMPLETED:
        # Only a completed interview has a report; the room says what state it is in instead.
        return see_other(_room_url(interview))
    data = await service.report(interview)
    analysis: dict[str, Any] = interview.ai_analysis or {}
    items = [_answered(question, data.responses.get(question.id)) for question in data.questions]
    context = {
        "user": service.user,
        "interview": interview,
        "analysis": analysis,
        "criteria": {name: analysis.get("criteria", {}).get(name) for name in CRITERIA},
        "items": items,
        "area_title": area_title,
        "skipped": sum(
            1 for item in items if item.response and item.response.evaluation_status == "skipped"
        ),
        "unanswered": sum(1 for item in items if item.response is None),
    }
    return render(request, "interviews/report.html", context)

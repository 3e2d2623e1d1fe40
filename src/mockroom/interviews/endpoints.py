"""The interview JSON API under /api/v1/interviews."""

from __future__ import annotations

import base64
import binascii
from typing import Annotated, Any

from fastapi import APIRouter, Query

from mockroom.ai.schemas import CriterionScores
from mockroom.db.base import utcnow
from mockroom.errors import ValidationFailed
from mockroom.interviews import clock, schemas
from mockroom.interviews.deps import ApiInterviews, CurrentInterview
from mockroom.interviews.service import InterviewService
from mockroom.models import Interview, InterviewQuestion, InterviewResponse
from mockroom.security.deps import api_allowance
from mockroom.security.limits import AiTask
from mockroom.security.responses import RATE_LIMITED
from mockroom.web.openapi import ERROR_RESPONSES, MAX_ROW_ID, RowId

router = APIRouter(prefix="/interviews", tags=["interviews"], responses=ERROR_RESPONSES)

InterviewStatusFilter = Annotated[schemas.InterviewStatus | None, Query()]


def encode_cursor(last_id: int) -> str:
    return base64.urlsafe_b64encode(f"id:{last_id}".encode()).decode()


def decode_cursor(cursor: str | None) -> int | None:
    if cursor is None:
        return None
    try:
        kind, _, value = base64.urlsafe_b64decode(cursor.encode()).decode().partition(":")
        if kind == "id" and value.isdigit() and int(value) <= MAX_ROW_ID:
            return int(value)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        pass
    raise ValidationFailed(
        "Invalid input: cursor.",
        detail=[{"field": "cursor", "message": "not a cursor from this API"}],
    )


async def interview_view(service: InterviewService, interview: Interview) -> schemas.Interview:
    question = await service.current_question(interview)
    return schemas.Interview.model_validate(
        {
            **{
                column: getattr(interview, column)
                for column in schemas.Interview.model_fields
                if hasattr(interview, column)
            },
            "remaining_seconds": round(clock.remaining_seconds(interview, utcnow()), 1),
            "current_question": schemas.QuestionView.model_validate(question) if question else None,
        }
    )


def response_view(response: InterviewResponse) -> schemas.Response:
    evaluation = (
        schemas.Evaluation.model_validate(response.evaluation) if response.evaluation else None
    )
    return schemas.Response(
        id=response.id,
        question_id=response.interview_question_id,
        answer=response.answer_text,
        skipped=response.evaluation_status == "skipped",
        response_time_seconds=round(response.response_time_seconds, 1),
        evaluation_status=response.evaluation_status,
        score=response.ai_score,
        feedback=response.evaluation_error or response.ai_feedback,
        improvement_suggestions=response.improvement_suggestions,
        evaluation=evaluation,
    )


@router.post(
    "",
    status_code=201,
    summary="Create an interview; questions are chosen now",
    dependencies=[api_allowance(AiTask.INTERVIEW)],
    responses=RATE_LIMITED,
)
async def create_interview(
    data: schemas.InterviewCreate, service: ApiInterviews
) -> schemas.Interview:
    interview = await service.create(data)
    return await interview_view(service, interview)


@router.get("", summary="List my interviews, newest first")
async def list_interviews(
    service: ApiInterviews,
    cursor: Annotated[str | None, Query(max_length=100)] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    status: InterviewStatusFilter = None,
) -> schemas.Page[schemas.Interview]:
    rows = await service.page(before_id=decode_cursor(cursor), limit=limit + 1, status=status)
    items = [await interview_view(service, row) for row in rows[:limit]]
    next_cursor = encode_cursor(rows[limit - 1].id) if len(rows) > limit else None
    return schemas.Page[schemas.Interview](items=items, next_cursor=next_cursor)


@router.get("/{interview_id}", summary="One interview, with the question being asked")
async def get_interview(interview: CurrentInterview, service: ApiInterviews) -> schemas.Interview:
    return await interview_view(service, interview)


@router.post("/{interview_id}/start", summary="Start: scheduled -> in_progress")
async def start_interview(interview: CurrentInterview, service: ApiInterviews) -> schemas.Interview:
    return await interview_view(service, await service.start(interview))


@router.post("/{interview_id}/pause", summary="Pause; the clock stops")
async def pause_interview(interview: CurrentInterview, service: ApiInterviews) -> schemas.Interview:
    return await interview_view(service, await service.pause(interview))


@router.post("/{interview_id}/resume", summary="Resume a paused interview")
async def resume_interview(
    interview: CurrentInterview, service: ApiInterviews
) -> schemas.Interview:
    return await interview_view(service, await service.resume(interview))


@router.post("/{interview_id}/complete", summary="End now; unanswered questions count as zero")
async def complete_interview(
    interview: CurrentInterview, service: ApiInterviews
) -> schemas.Interview:
    return await interview_view(service, await service.complete(interview))


@router.post("/{interview_id}/cancel", summary="Cancel; no report is produced")
async def cancel_interview(
    interview: CurrentInterview, service: ApiInterviews
) -> schemas.Interview:
    return await interview_view(service, await service.cancel(interview))


@router.post(
    "/{interview_id}/answers",
    summary="Answer the current question; returns its evaluation",
    dependencies=[api_allowance(AiTask.ANSWER)],
    responses=RATE_LIMITED,
)
async def answer_question(
    data: schemas.AnswerCreate, interview: CurrentInterview, service: ApiInterviews
) -> schemas.AnswerResult:
    response = await service.answer(interview, data.answer)
    return schemas.AnswerResult(
        response=response_view(response), interview=await interview_view(service, interview)
    )


@router.post("/{interview_id}/skip", summary="Skip the current question")
async def skip_question(
    interview: CurrentInterview, service: ApiInterviews
) -> schemas.AnswerResult:
    response = await service.skip(interview)
    return schemas.AnswerResult(
        response=response_view(response), interview=await interview_view(service, interview)
    )


@router.get("/{interview_id}/responses", summary="My answers so far, with their evaluations")
async def list_responses(
    interview: CurrentInterview, service: ApiInterviews
) -> list[schemas.Response]:
    return [response_view(response) for response in await service.responses(interview)]


@router.post(
    "/{interview_id}/responses/{response_id}/evaluate",
    summary="Grade an answer again if its evaluation is pending or failed",
    dependencies=[api_allowance(AiTask.ANSWER)],
    responses=RATE_LIMITED,
)
async def retry_evaluation(
    response_id: RowId, interview: CurrentInterview, service: ApiInterviews
) -> schemas.Response:
    return response_view(await service.retry_evaluation(interview, response_id))


@router.get("/{interview_id}/report", summary="The report: scores, criteria, every answer")
async def get_report(interview: CurrentInterview, service: ApiInterviews) -> schemas.Report:
    data = await service.report(interview)
    analysis: dict[str, Any] = data.summary.analysis
    completed = interview.status == "completed"
    responses = data.responses
    return schemas.Report(
        interview=await interview_view(service, interview),
        overall_score=interview.performance_score if completed else None,
        criteria=CriterionScores.model_validate(data.summary.criteria)
        if completed and data.summary.criteria
        else None,
        strengths=analysis["strengths"],
        improvements=analysis["improvements"],
        answered=analysis["answered"],
        skipped=analysis["skipped"],
        unanswered=analysis["unanswered"],
        items=[_report_item(question, responses.get(question.id)) for question in data.questions],
        analysis=interview.ai_analysis,
    )


def _report_item(
    question: InterviewQuestion, response: InterviewResponse | None
) -> schemas.ReportItem:
    return schemas.ReportItem(
        question=schemas.QuestionView.model_validate(question),
        response=response_view(response) if response else None,
    )

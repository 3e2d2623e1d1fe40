"""Interview rules: creating, the state machine, answers, evaluation, completion, the report."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import aclosing
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from mockroom.ai.engine import Engine
from mockroom.ai.recorder import RecordedEngine
from mockroom.ai.schemas import (
    AnswerToGrade,
    CandidateProfile,
    Misconception,
    Question,
    QuestionRequest,
)
from mockroom.db.base import utcnow
from mockroom.errors import AppError, Conflict, NotFound
from mockroom.github import personalisation
from mockroom.interviews import clock, follow_ups, scoring
from mockroom.interviews.repository import InterviewRepository
from mockroom.interviews.schemas import InterviewCreate
from mockroom.interviews.states import Action, Status, check
from mockroom.models import (
    Interview,
    InterviewQuestion,
    InterviewResponse,
    PerformanceMetric,
    User,
)

logger = logging.getLogger("mockroom.interviews")


class NoQuestionsAvailable(AppError):
    status = 503
    default_message = (
        "No questions are available for that interview type yet. "
        "Load the bank with `mockroom seed`."
    )


@dataclass(frozen=True)
class ReportData:
    interview: Interview
    questions: list[InterviewQuestion]
    responses: dict[int, InterviewResponse]
    summary: scoring.Summary


class InterviewService:
    def __init__(self, session: AsyncSession, engine: Engine, user: User) -> None:
        self.session = session
        self.repository = InterviewRepository(session)
        self.engine = RecordedEngine(engine, session, user.id)
        self.user = user

    async def get(self, interview_id: int) -> Interview:
        interview = await self.repository.owned(self.user.id, interview_id)
        if interview is None:
            raise NotFound("No such interview.")
        await self._enforce_clock(interview)
        await self._catch_up(interview)
        return interview

    async def page(
        self, *, before_id: int | None, limit: int, status: str | None = None
    ) -> list[Interview]:
        return await self.repository.page_of(
            self.user.id, before_id=before_id, limit=limit, status=status
        )

    async def create(self, data: InterviewCreate) -> Interview:
        github = personalisation.focus_of(self.user)
        profile = CandidateProfile(
            level=self.user.experience_level,
            languages=github.candidate_languages(list(self.user.preferred_languages or [])),
            topics=github.topics,
            projects=github.projects,
            weak_areas=await self.repository.weakest_areas(self.user.id),
            recent_question_slugs=await self.repository.recent_question_slugs(self.user.id),
        )
        request = QuestionRequest(
            question_type=data.interview_type,
            difficulty=data.difficulty,
            count=data.question_count,
            focus_topics=data.focus_topics,
        )
        questions = personalisation.frame(
            await self.engine.generate_questions(request, profile), github
        )
        if not questions:
            raise NoQuestionsAvailable()
        now = utcnow()
        interview = Interview(
            user_id=self.user.id,
            title=data.title,
            interview_type=data.interview_type,
            difficulty=data.difficulty,
            question_count=len(questions),
            duration_minutes=data.duration_minutes,
            focus_topics=data.focus_topics,
            follow_ups_enabled=data.follow_ups,
            status=Status.SCHEDULED,
            current_position=0,
            elapsed_seconds=0.0,
            question_shown_at_elapsed=0.0,
            created_at=now,
            updated_at=now,
        )
        await self.repository.add(interview)
        bank_ids = await self.repository.bank_ids_by_slug([q.slug for q in questions if q.slug])
        await self.repository.add(
            *(
                InterviewQuestion(
                    interview_id=interview.id,
                    bank_question_id=bank_ids.get(question.slug or ""),
                    position=position,
                    question_type=question.question_type,
                    area=question.area,
                    difficulty=question.difficulty,
                    prompt=question.prompt,
                    reference_answer=question.reference_answer,
                    key_points=question.key_points,
                    follow_ups=question.follow_ups,
                    misconceptions=[item.model_dump() for item in question.misconceptions],
                )
                for position, question in enumerate(questions)
            )
        )
        return interview

    async def questions(self, interview: Interview) -> list[InterviewQuestion]:
        return await self.repository.questions(interview.id)

    async def current_question(self, interview: Interview) -> InterviewQuestion | None:
        """The first question without an answer; a pending follow-up comes after its parent."""
        if interview.status not in (Status.IN_PROGRESS, Status.PAUSED):
            return None
        answered = {r.interview_question_id for r in await self.repository.responses(interview.id)}
        for question in await self.repository.questions(interview.id):
            if question.id not in answered:
                return question
        return None

    async def start(self, interview: Interview) -> Interview:
        check(Action.START, interview.status)
        now = utcnow()
        interview.status = Status.IN_PROGRESS
        interview.started_at = now
        interview.resumed_at = now
        return interview

    async def pause(self, interview: Interview) -> Interview:
        check(Action.PAUSE, interview.status)
        clock.stop(interview, utcnow())
        interview.status = Status.PAUSED
        return interview

    async def resume(self, interview: Interview) -> Interview:
        check(Action.RESUME, interview.status)
        interview.status = Status.IN_PROGRESS
        interview.resumed_at = utcnow()
        return interview

    async def cancel(self, interview: Interview) -> Interview:
        check(Action.CANCEL, interview.status)
        clock.stop(interview, utcnow())
        interview.status = Status.CANCELLED
        interview.end_reason = "cancelled"
        return interview

    async def complete(self, interview: Interview, reason: str = "ended_early") -> Interview:
        check(Action.COMPLETE, interview.status)
        now = utcnow()
        clock.stop(interview, now)
        interview.status = Status.COMPLETED
        interview.completed_at = now
        interview.end_reason = reason
        for response in await self.repository.responses(interview.id):
            if response.evaluation_status == "pending":
                await self._evaluate(response)
        await self._summarise(interview)
        return interview

    async def answer(self, interview: Interview, text: str) -> InterviewResponse:
        """Store the answer durably, then grade it; if grading fails the answer stays, retryable."""
        response, question = await self.store_answer(interview, text)
        await self.finish_answer(interview, question, response)
        return response

    async def store_answer(
        self, interview: Interview, text: str
    ) -> tuple[InterviewResponse, InterviewQuestion]:
        """The first half of answering: the answer is committed before anything can fail."""
        check(Action.ANSWER, interview.status)
        question = await self._asked(interview)
        response = await self._record_response(interview, question, text, skipped=False)
        # The one commit inside a request: the answer must survive even if grading crashes.
        await self.session.commit()
        return response, question

    async def stream_feedback(
        self, question: InterviewQuestion, response: InterviewResponse
    ) -> AsyncIterator[str]:
        """Feedback prose as a streaming engine writes it; nothing from engines that cannot."""
        async with aclosing(
            self.engine.evaluate_stream(_grading_item(question, response))
        ) as chunks:
            async for chunk in chunks:
                yield chunk

    async def finish_answer(
        self, interview: Interview, question: InterviewQuestion, response: InterviewResponse
    ) -> None:
        """The second half: grade, maybe follow up, move on (or complete after the last)."""
        await self._evaluate(response)
        offered = await self._offer_follow_up(interview, question, response)
        await self._advance(interview, question, stay=offered)

    async def skip(self, interview: Interview) -> InterviewResponse:
        """Skip the question (it counts as zero), or decline a follow-up (which costs nothing)."""
        check(Action.SKIP, interview.status)
        question = await self._asked(interview)
        response = await self._record_response(interview, question, "", skipped=True)
        if question.follow_up_of_id is not None:
            response.ai_score = None
            response.ai_feedback = "You moved on without answering the follow-up."
        await self._advance(interview, question, stay=False)
        return response

    async def retry_evaluation(self, interview: Interview, response_id: int) -> InterviewResponse:
        response = await self.repository.response_owned(self.user.id, interview.id, response_id)
        if response is None:
            raise NotFound("No such answer in this interview.")
        if response.evaluation_status in ("pending", "failed"):
            await self._evaluate(response)
            if interview.status == Status.COMPLETED:
                await self._summarise(interview)
        return response

    async def report(self, interview: Interview) -> ReportData:
        questions = await self.repository.questions(interview.id)
        responses = await self.repository.responses(interview.id)
        by_question = {response.interview_question_id: response for response in responses}
        return ReportData(
            interview=interview,
            questions=questions,
            responses=by_question,
            summary=scoring.summarise(questions, responses),
        )

    async def responses(self, interview: Interview) -> list[InterviewResponse]:
        return await self.repository.responses(interview.id)

    async def _enforce_clock(self, interview: Interview) -> None:
        if (
            interview.status == Status.IN_PROGRESS
            and clock.remaining_seconds(interview, utcnow()) <= 0
        ):
            await self.complete(interview, "time_up")

    async def _asked(self, interview: Interview) -> InterviewQuestion:
        question = await self.current_question(interview)
        if question is None:
            raise Conflict("Every question in this interview has been answered.")
        return question

    async def _catch_up(self, interview: Interview) -> None:
        """Finish what an interrupted answer left undone (a dropped socket, a killed process):
        the stored answer counts, the position follows it, and a last answer completes."""
        if interview.status != Status.IN_PROGRESS:
            return
        question = await self.current_question(interview)
        if question is None:
            await self.complete(interview, "answered_all")
        elif interview.current_position != question.position:
            interview.current_position = question.position

    async def _record_response(
        self, interview: Interview, question: InterviewQuestion, text: str, *, skipped: bool
    ) -> InterviewResponse:
        now = utcnow()
        running = clock.running_seconds(interview, now)
        response = InterviewResponse(
            interview_question_id=question.id,
            user_id=self.user.id,
            answer_text=text,
            response_time_seconds=max(0.0, running - interview.question_shown_at_elapsed),
            evaluation_status="skipped" if skipped else "pending",
            ai_score=0.0 if skipped else None,
            ai_feedback="Skipped: this question counts as zero in the report." if skipped else None,
            improvement_suggestions=[],
            submitted_at=now,
        )
        await self.repository.add(response)
        interview.question_shown_at_elapsed = running
        interview.updated_at = now
        return response

    async def _offer_follow_up(
        self, interview: Interview, question: InterviewQuestion, response: InterviewResponse
    ) -> bool:
        """Ask one of the question's follow-ups when the answer missed key points."""
        evaluation = scoring.stored_evaluation(response)
        if (
            not interview.follow_ups_enabled
            or question.follow_up_of_id is not None
            or evaluation is None
            or not follow_ups.should_offer(evaluation, question.follow_ups)
        ):
            return False
        await self.repository.add(
            InterviewQuestion(
                interview_id=interview.id,
                bank_question_id=question.bank_question_id,
                follow_up_of_id=question.id,
                position=question.position,
                question_type=question.question_type,
                area=question.area,
                difficulty=question.difficulty,
                prompt=follow_ups.closest(question.follow_ups, evaluation.missed_key_points),
                reference_answer=question.reference_answer,
                key_points=evaluation.missed_key_points[:6],
                follow_ups=[],
                misconceptions=question.misconceptions,
            )
        )
        return True

    async def _advance(
        self, interview: Interview, question: InterviewQuestion, *, stay: bool
    ) -> None:
        if stay:
            return
        interview.current_position = question.position + 1
        if interview.current_position >= interview.question_count:
            await self.complete(interview, "answered_all")

    async def _evaluate(self, response: InterviewResponse) -> None:
        if response.evaluation_status not in ("pending", "failed"):
            return
        question = await self.session.get(InterviewQuestion, response.interview_question_id)
        assert question is not None
        try:
            evaluation = await self.engine.evaluate(_grading_item(question, response))
        except Exception:
            logger.exception("evaluation failed for response %s", response.id)
            response.evaluation_status = "failed"
            response.evaluation_error = (
                "The answer could not be graded this time; it is saved, try again."
            )
            return
        response.evaluation_status = "evaluated"
        response.evaluation_error = None
        response.ai_score = round(evaluation.overall, 1)
        response.ai_feedback = evaluation.summary
        response.improvement_suggestions = evaluation.improvements + evaluation.suggestions
        response.evaluation = evaluation.model_dump()
        response.evaluated_at = utcnow()

    async def _summarise(self, interview: Interview) -> None:
        """Compute the interview's score and analysis from the stored evaluations."""
        summary = scoring.summarise(
            await self.repository.questions(interview.id),
            await self.repository.responses(interview.id),
        )
        interview.performance_score = summary.score
        interview.ai_analysis = summary.analysis
        await self.repository.replace_metrics(
            interview.id, _metrics(self.user.id, interview, summary)
        )


def _grading_item(question: InterviewQuestion, response: InterviewResponse) -> AnswerToGrade:
    return AnswerToGrade(
        question=_as_engine_question(question),
        answer=response.answer_text,
        response_time_seconds=response.response_time_seconds,
    )


def _as_engine_question(question: InterviewQuestion) -> Question:
    return Question(
        question_type=question.question_type,
        area=question.area,
        difficulty=question.difficulty,
        prompt=question.prompt,
        reference_answer=question.reference_answer,
        key_points=question.key_points,
        follow_ups=question.follow_ups,
        misconceptions=[Misconception.model_validate(item) for item in question.misconceptions],
    )


def _metrics(
    user_id: int, interview: Interview, summary: scoring.Summary
) -> list[PerformanceMetric]:
    recorded_at = interview.completed_at or utcnow()
    named: list[tuple[str, str | None, float]] = [
        (name, None, score) for name, score in summary.criteria.items()
    ]
    named += [("area_score", area, score) for area, score in summary.areas.items()]
    if summary.score is not None:
        named.append(("overall", None, summary.score))
    return [
        PerformanceMetric(
            user_id=user_id,
            interview_id=interview.id,
            metric_name=name,
            area=area,
            score=score,
            recorded_at=recorded_at,
        )
        for name, area, score in named
    ]

"""An interview's score and analysis, computed only from stored questions and evaluations."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from statistics import fmean
from typing import Any

from mockroom.ai.schemas import CRITERIA, Evaluation
from mockroom.interviews import follow_ups
from mockroom.models import InterviewQuestion, InterviewResponse


@dataclass
class Summary:
    score: float | None
    criteria: dict[str, float]
    areas: dict[str, float]
    analysis: dict[str, Any] = field(default_factory=dict)


def stored_evaluation(response: InterviewResponse | None) -> Evaluation | None:
    if response is None or response.evaluation is None:
        return None
    return Evaluation.model_validate(response.evaluation)


def summarise(questions: list[InterviewQuestion], responses: list[InterviewResponse]) -> Summary:
    """Main questions only; a follow-up raises its parent's score, skipped and unanswered are 0."""
    by_question = {response.interview_question_id: response for response in responses}
    follow_up_of = {q.follow_up_of_id: q.id for q in questions if q.follow_up_of_id is not None}
    main_questions = [q for q in questions if q.follow_up_of_id is None]
    scores: list[float] = []
    criteria: dict[str, list[float]] = defaultdict(list)
    areas: dict[str, list[float]] = defaultdict(list)
    strengths: list[str] = []
    improvements: list[str] = []
    pending = answered = skipped = 0
    for question in main_questions:
        response = by_question.get(question.id)
        if response is not None and response.evaluation_status in ("pending", "failed"):
            pending += 1
            continue
        if response is not None:
            skipped += response.evaluation_status == "skipped"
            answered += response.evaluation_status != "skipped"
        evaluation = stored_evaluation(response)
        follow_up = stored_evaluation(by_question.get(follow_up_of.get(question.id, -1)))
        score, question_criteria = follow_ups.blend(evaluation, follow_up)
        scores.append(score)
        areas[question.area].append(score)
        for name in CRITERIA:
            criteria[name].append(getattr(question_criteria, name))
        if evaluation is not None:
            strengths.extend(item for item in evaluation.strengths if item not in strengths)
            improvements.extend(
                item for item in evaluation.improvements if item not in improvements
            )
    criteria_averages = {name: round(fmean(values), 1) for name, values in criteria.items()}
    area_averages = {area: round(fmean(values), 1) for area, values in areas.items()}
    return Summary(
        score=round(fmean(scores), 1) if scores else None,
        criteria=criteria_averages,
        areas=area_averages,
        analysis={
            "criteria": criteria_averages,
            "areas": area_averages,
            "strengths": strengths[:6],
            "improvements": improvements[:8],
            "answered": answered,
            "skipped": skipped,
            "unanswered": len(main_questions) - answered - skipped - pending,
            "pending_evaluations": pending,
        },
    )

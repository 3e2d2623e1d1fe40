"""A study plan from past results: the weakest areas first, each with what to study and practise."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from mockroom.ai.providers.builtin import resources
from mockroom.ai.providers.builtin.selection import DIFFICULTY_ORDER, canonical
from mockroom.ai.schemas import (
    CRITERIA,
    Difficulty,
    PerformanceHistory,
    Question,
    QuestionType,
    StudyPlan,
    StudyPlanPeriod,
    StudyTopic,
)

# Areas averaging below this are worth a week; criteria below CRITERION_BELOW get advice.
WEAK_BELOW = 75.0
CRITERION_BELOW = 65.0
AREAS_PER_PERIOD = 2
MAX_PERIODS = 4
PRACTICE_PER_TOPIC = 3
TOPICS_PER_AREA = 5
FUNDAMENTALS = ("algorithms", "data-structures", "sql", "operating-systems", "networking")

_CRITERION_ADVICE = {
    "technical_accuracy": (
        "accuracy",
        [
            "Check each claim against the official documentation before relying on it",
            "Learn the common misconceptions in your main language and their corrections",
        ],
    ),
    "completeness": (
        "completeness",
        [
            "Before answering, list the 3-4 points a full answer needs, then cover each",
            "Finish with edge cases and limits, which answers most often leave out",
        ],
    ),
    "clarity": (
        "communication",
        [
            "Lead with the answer in one sentence, then support it",
            "Structure answers as first, second, finally; cut filler words",
        ],
    ),
    "problem_solving": (
        "problem solving",
        [
            "Say why, not only what: name the trade-off behind each choice",
            "Work through an example out loud, including a failure case",
        ],
    ),
}


@dataclass
class _AreaSummary:
    area: str
    question_type: QuestionType
    scores: list[float] = field(default_factory=list)
    missed: Counter[str] = field(default_factory=Counter)

    @property
    def mean(self) -> float:
        return sum(self.scores) / len(self.scores)


def build(history: PerformanceHistory, bank: Sequence[Question]) -> StudyPlan:
    summaries = _summarise(history)
    recent = set(history.profile.recent_question_slugs)
    if not summaries:
        return _starter(history, bank, recent)

    ranked = sorted(summaries, key=lambda item: (item.mean, item.area))
    weak = [item for item in ranked if item.mean < WEAK_BELOW] or ranked[:AREAS_PER_PERIOD]
    weak = weak[: AREAS_PER_PERIOD * MAX_PERIODS]
    topics = [_area_topic(item, bank, recent) for item in weak]
    criterion = _criterion_topic(history)

    periods: list[StudyPlanPeriod] = []
    for index in range(0, len(topics), AREAS_PER_PERIOD):
        periods.append(
            StudyPlanPeriod(
                label=f"Week {len(periods) + 1}", focus=topics[index : index + AREAS_PER_PERIOD]
            )
        )
    if criterion is not None:
        periods[0].focus.append(criterion)

    names = ", ".join(f"{item.area} ({item.mean:.0f}/100)" for item in weak[:3])
    all_strong = ranked[0].mean >= WEAK_BELOW
    summary = (
        f"Every area averages {WEAK_BELOW:.0f}/100 or more; the plan stretches your lowest "
        f"areas with harder questions: {names}."
        if all_strong
        else f"Focus first on your weakest areas: {names}."
    )
    return StudyPlan(summary=summary, periods=periods)


def _summarise(history: PerformanceHistory) -> list[_AreaSummary]:
    grouped: dict[tuple[str, QuestionType], _AreaSummary] = {}
    for result in history.results:
        key = (result.area, result.question_type)
        summary = grouped.setdefault(key, _AreaSummary(result.area, result.question_type))
        summary.scores.append(result.score)
        summary.missed.update(result.missed_key_points)
    return list(grouped.values())


def _target_difficulty(score: float) -> Difficulty:
    if score < 50:
        return "easy"
    if score < WEAK_BELOW:
        return "medium"
    return "hard"


def _practice(
    area: str,
    question_type: QuestionType,
    difficulty: Difficulty,
    bank: Sequence[Question],
    recent: set[str],
) -> list[Question]:
    wanted = DIFFICULTY_ORDER.index(difficulty)
    matching = [
        question
        for question in bank
        if question.question_type == question_type
        and canonical(question.area) == canonical(area)
        and question.slug
    ]
    matching.sort(
        key=lambda question: (
            question.slug in recent,
            abs(DIFFICULTY_ORDER.index(question.difficulty) - wanted),
            question.slug,
        )
    )
    return matching[:PRACTICE_PER_TOPIC]


def _area_topic(item: _AreaSummary, bank: Sequence[Question], recent: set[str]) -> StudyTopic:
    practice = _practice(item.area, item.question_type, _target_difficulty(item.mean), bank, recent)
    topics = [point for point, _ in item.missed.most_common(TOPICS_PER_AREA)]
    if len(topics) < TOPICS_PER_AREA:
        # Nothing (or little) was missed explicitly: study what the practice questions test.
        for question in practice:
            topics.extend(point for point in question.key_points if point not in topics)
        topics = topics[:TOPICS_PER_AREA]
    count = len(item.scores)
    reason = (
        f"You averaged {item.mean:.0f}/100 over {count} "
        f"{'answer' if count == 1 else 'answers'} in {item.area}"
    )
    if item.missed:
        reason += f" and missed {sum(item.missed.values())} key points"
    return StudyTopic(
        area=item.area,
        reason=reason + ".",
        topics=topics,
        practice_question_slugs=[question.slug for question in practice if question.slug],
        resources=resources.for_area(item.area, item.question_type),
    )


def _criterion_topic(history: PerformanceHistory) -> StudyTopic | None:
    averages = history.criteria_averages
    if averages is None:
        return None
    name = min(CRITERIA, key=lambda criterion: getattr(averages, criterion))
    value = float(getattr(averages, name))
    if value >= CRITERION_BELOW:
        return None
    label, advice = _CRITERION_ADVICE[name]
    return StudyTopic(
        area=label,
        reason=f"Your {name.replace('_', ' ')} averages {value:.0f}/100, your lowest criterion.",
        topics=advice,
        resources=list(resources.COMMUNICATION)
        if name == "clarity"
        else resources.for_area(label, "technical"),
    )


def _starter(history: PerformanceHistory, bank: Sequence[Question], recent: set[str]) -> StudyPlan:
    profile = history.profile
    technical_areas = sorted({q.area for q in bank if q.question_type == "technical"})
    wanted = [
        canonical(name) for name in [*profile.weak_areas, *profile.languages, *profile.topics]
    ]
    # The profile's own areas first, then the fundamentals most interviews probe.
    ordered = sorted(
        technical_areas,
        key=lambda area: (
            canonical(area) not in wanted,
            next(
                (rank for rank, name in enumerate(FUNDAMENTALS) if name in canonical(area)),
                len(FUNDAMENTALS),
            ),
        ),
    )
    chosen = ordered[:AREAS_PER_PERIOD]

    def starter_topic(area: str, question_type: QuestionType, reason: str) -> StudyTopic:
        practice = _practice(area, question_type, "easy", bank, recent)
        topics: list[str] = []
        for question in practice:
            topics.extend(point for point in question.key_points if point not in topics)
        return StudyTopic(
            area=area,
            reason=reason,
            topics=topics[:TOPICS_PER_AREA],
            practice_question_slugs=[question.slug for question in practice if question.slug],
            resources=resources.for_area(area, question_type),
        )

    week_one = [
        starter_topic(area, "technical", f"A starting point for {area}: no results yet.")
        for area in chosen
    ]
    week_two = [
        starter_topic(
            _first_area(bank, "behavioral"),
            "behavioral",
            "Prepare three stories in STAR form (situation, task, action, result) "
            "before your first behavioral interview.",
        ),
        starter_topic(
            _first_area(bank, "system_design"),
            "system_design",
            "Learn the building blocks (load balancers, caches, queues, sharding, "
            "replication) before your first design interview.",
        ),
    ]
    periods = [StudyPlanPeriod(label="Week 1", focus=week_one)] if week_one else []
    periods.append(StudyPlanPeriod(label=f"Week {len(periods) + 1}", focus=week_two))
    return StudyPlan(
        summary="No interview results yet: a starter plan covering fundamentals, behavioral "
        "stories and system design. Take a mock interview to get a plan fitted to you.",
        periods=periods,
    )


def _first_area(bank: Sequence[Question], question_type: QuestionType) -> str:
    areas = sorted({question.area for question in bank if question.question_type == question_type})
    return areas[0] if areas else question_type.replace("_", "-")

"""Study plans from the built-in engine, on the real bank."""

from __future__ import annotations

from mockroom.ai.providers.builtin.engine import BuiltinEngine
from mockroom.ai.schemas import (
    AreaResult,
    CandidateProfile,
    CriterionScores,
    PerformanceHistory,
    StudyPlan,
    StudyTopic,
)
from mockroom.questions.bank import load_bank


def _topics(plan: StudyPlan) -> list[StudyTopic]:
    return [topic for period in plan.periods for topic in period.focus]


def _history() -> PerformanceHistory:
    return PerformanceHistory(
        profile=CandidateProfile(languages=["rust"]),
        criteria_averages=CriterionScores(
            technical_accuracy=62, completeness=48, clarity=80, problem_solving=70
        ),
        results=[
            AreaResult(
                area="sql-databases",
                question_type="technical",
                score=35,
                missed_key_points=["Indexes speed reads but slow writes.", "MVCC snapshots."],
            ),
            AreaResult(
                area="sql-databases",
                question_type="technical",
                score=45,
                missed_key_points=["Indexes speed reads but slow writes."],
            ),
            AreaResult(area="rust", question_type="technical", score=58, missed_key_points=[]),
            AreaResult(area="networking", question_type="technical", score=90),
            AreaResult(
                area="system-design",
                question_type="system_design",
                score=52,
                missed_key_points=["Shard the write path by key."],
            ),
        ],
    )


async def test_the_weakest_areas_come_first_with_their_scores_cited() -> None:
    plan = await BuiltinEngine().study_plan(_history())
    assert plan.periods[0].label == "Week 1"
    first = plan.periods[0].focus[0]
    assert first.area == "sql-databases"
    assert "40/100" in first.reason and "2 answers" in first.reason
    areas = [topic.area for topic in _topics(plan)]
    assert areas.index("sql-databases") < areas.index("system-design") < areas.index("rust")
    assert "networking" not in areas, "a strong area needs no study time"
    assert "sql-databases" in plan.summary


async def test_topics_come_from_missed_key_points_most_frequent_first() -> None:
    plan = await BuiltinEngine().study_plan(_history())
    first = plan.periods[0].focus[0]
    assert first.topics[:2] == ["Indexes speed reads but slow writes.", "MVCC snapshots."]


async def test_practice_questions_are_real_bank_slugs_of_that_area() -> None:
    plan = await BuiltinEngine().study_plan(_history())
    by_slug = {question.slug: question for question in load_bank()}
    for topic in _topics(plan):
        if topic.area in {"sql-databases", "rust", "system-design"}:
            assert topic.practice_question_slugs, topic.area
        for slug in topic.practice_question_slugs:
            assert by_slug[slug].area == topic.area


async def test_a_low_score_gets_easier_practice_first() -> None:
    plan = await BuiltinEngine().study_plan(_history())
    sql = plan.periods[0].focus[0]
    by_slug = {question.slug: question for question in load_bank()}
    assert by_slug[sql.practice_question_slugs[0]].difficulty == "easy"


async def test_resources_are_named_for_the_area() -> None:
    plan = await BuiltinEngine().study_plan(_history())
    resources = {topic.area: " ".join(topic.resources) for topic in _topics(plan)}
    assert "The Rust Programming Language" in resources["rust"]
    assert "Designing Data-Intensive Applications" in resources["system-design"]
    assert "http" not in " ".join(resources.values())


async def test_the_weakest_criterion_gets_advice() -> None:
    plan = await BuiltinEngine().study_plan(_history())
    topics = _topics(plan)
    criterion = next(topic for topic in topics if topic.area == "completeness")
    assert "48/100" in criterion.reason
    assert criterion.topics


async def test_an_empty_history_gets_a_starter_plan_fitted_to_the_profile() -> None:
    history = PerformanceHistory(profile=CandidateProfile(languages=["Golang"]))
    plan = await BuiltinEngine().study_plan(history)
    topics = _topics(plan)
    assert len(plan.periods) >= 2
    assert "go" in [topic.area for topic in topics]
    assert {"behavioral", "system-design"} <= {topic.area for topic in topics}
    assert all(topic.practice_question_slugs and topic.resources for topic in topics)
    assert "starter" in plan.summary


async def test_a_strong_history_stretches_the_lowest_areas() -> None:
    history = PerformanceHistory(
        results=[
            AreaResult(area="python", question_type="technical", score=92),
            AreaResult(area="go", question_type="technical", score=85),
        ]
    )
    plan = await BuiltinEngine().study_plan(history)
    first = plan.periods[0].focus[0]
    assert first.area == "go"
    by_slug = {question.slug: question for question in load_bank()}
    assert by_slug[first.practice_question_slugs[0]].difficulty == "hard"

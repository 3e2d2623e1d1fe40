"""Question selection by the built-in engine: counts, profile fit, focus, repeats, weak areas."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from mockroom.ai.providers.builtin.engine import BuiltinEngine
from mockroom.ai.providers.builtin.selection import canonical
from mockroom.ai.schemas import (
    CandidateProfile,
    Difficulty,
    Question,
    QuestionRequest,
    QuestionType,
)
from mockroom.questions.bank import load_bank

AREAS = ("python", "go", "rust", "cpp", "csharp", "sql-databases", "networking", "algorithms")
DIFFICULTIES: tuple[Difficulty, ...] = ("easy", "medium", "hard")


def _question(area: str, difficulty: Difficulty, number: int, tags: list[str]) -> Question:
    return Question(
        slug=f"{area}-{difficulty}-{number}",
        question_type="technical",
        area=area,
        difficulty=difficulty,
        prompt=f"Question {number} about {area} at {difficulty} level?",
        reference_answer=f"A reference answer for question {number} about {area}.",
        key_points=[f"Point {number} about {area}."],
        tags=sorted({area, *tags}),
    )


def _bank() -> list[Question]:
    """Four questions per area and difficulty, plus a few behavioral ones."""
    bank = [
        _question(area, difficulty, number, ["concurrency"] if number == 0 else [])
        for area in AREAS
        for difficulty in DIFFICULTIES
        for number in range(4)
    ]
    bank += [
        Question(
            slug=f"behavioral-{number}",
            question_type="behavioral",
            area="behavioral",
            difficulty="medium",
            prompt=f"Tell me about a time number {number} you handled a conflict.",
            reference_answer="A story with a situation, task, action and result.",
            key_points=["Describes a real situation."],
        )
        for number in range(3)
    ]
    return bank


def _engine(seed: int = 7) -> BuiltinEngine:
    return BuiltinEngine(seed=seed, bank=_bank())


def _request(
    count: int,
    difficulty: Difficulty = "medium",
    focus: list[str] | None = None,
    question_type: QuestionType = "technical",
) -> QuestionRequest:
    return QuestionRequest(
        question_type=question_type, difficulty=difficulty, count=count, focus_topics=focus or []
    )


async def test_returns_the_requested_count_of_the_requested_type_and_difficulty() -> None:
    questions = await _engine().generate_questions(_request(6), CandidateProfile())
    assert len(questions) == 6
    assert len({question.slug for question in questions}) == 6
    assert all(question.question_type == "technical" for question in questions)
    assert all(question.difficulty == "medium" for question in questions)


async def test_questions_spread_across_areas() -> None:
    questions = await _engine().generate_questions(_request(8), CandidateProfile())
    assert len({question.area for question in questions}) >= 6


async def test_falls_back_to_neighbouring_difficulty_when_too_few() -> None:
    request = _request(6, difficulty="hard", focus=["rust"])
    questions = await _engine().generate_questions(request, CandidateProfile())
    assert len(questions) == 6
    assert all(question.area == "rust" for question in questions)
    difficulties = Counter(question.difficulty for question in questions)
    assert difficulties["hard"] == 4
    assert difficulties["medium"] == 2, "the neighbour comes before the far difficulty"


async def test_fewer_only_when_the_bank_has_fewer() -> None:
    request = _request(10, question_type="behavioral")
    questions = await _engine().generate_questions(request, CandidateProfile())
    assert len(questions) == 3


@pytest.mark.parametrize(
    ("typed", "area"),
    [
        ("C++", "cpp"),
        ("C#", "csharp"),
        ("Golang", "go"),
        ("postgres", "sql-databases"),
        ("PostgreSQL", "sql-databases"),
        ("Python", "python"),
    ],
)
async def test_focus_topics_are_matched_with_common_names(typed: str, area: str) -> None:
    assert canonical(typed) == area
    questions = await _engine().generate_questions(_request(3, focus=[typed]), CandidateProfile())
    assert [question.area for question in questions] == [area] * 3


async def test_focus_topics_match_tags_too() -> None:
    questions = await _engine().generate_questions(
        _request(5, focus=["Concurrency"]), CandidateProfile()
    )
    assert all("concurrency" in question.tags for question in questions[:3])


async def test_profile_languages_are_preferred_and_other_languages_avoided() -> None:
    profile = CandidateProfile(languages=["Python", "Golang"])
    counts: Counter[str] = Counter()
    for seed in range(20):
        questions = await _engine(seed).generate_questions(_request(4), profile)
        counts.update(question.area for question in questions)
    assert counts["python"] + counts["go"] > 0.4 * sum(counts.values())
    assert counts["rust"] + counts["cpp"] + counts["csharp"] < 0.1 * sum(counts.values())


async def test_recent_questions_are_not_repeated_while_others_remain() -> None:
    engine = _engine()
    first = await engine.generate_questions(_request(5, focus=["go"]), CandidateProfile())
    profile = CandidateProfile(recent_question_slugs=[q.slug or "" for q in first][:3])
    again = await engine.generate_questions(_request(4, focus=["go"]), profile)
    assert not {q.slug for q in again} & set(profile.recent_question_slugs)


async def test_recent_questions_come_back_when_nothing_else_is_left() -> None:
    recent = [f"go-{difficulty}-{number}" for difficulty in DIFFICULTIES for number in range(4)]
    profile = CandidateProfile(recent_question_slugs=recent)
    questions = await _engine().generate_questions(_request(3, focus=["go"]), profile)
    assert [question.area for question in questions] == ["go"] * 3


async def test_weak_areas_are_weighted_up() -> None:
    weak = CandidateProfile(weak_areas=["networking"])
    plain = CandidateProfile()
    weak_count = plain_count = 0
    for seed in range(30):
        weak_count += sum(
            question.area == "networking"
            for question in await _engine(seed).generate_questions(_request(3), weak)
        )
        plain_count += sum(
            question.area == "networking"
            for question in await _engine(seed).generate_questions(_request(3), plain)
        )
    assert weak_count > 1.5 * plain_count


async def test_selection_is_deterministic_for_a_seed() -> None:
    profile = CandidateProfile(languages=["python"], weak_areas=["algorithms"])
    first = await _engine(3).generate_questions(_request(6), profile)
    second = await BuiltinEngine(rng=random.Random(3), bank=_bank()).generate_questions(
        _request(6), profile
    )
    assert [question.slug for question in first] == [question.slug for question in second]


@pytest.mark.parametrize("question_type", ["technical", "behavioral", "system_design"])
async def test_the_real_bank_serves_every_type(question_type: QuestionType) -> None:
    questions = await BuiltinEngine(seed=1).generate_questions(
        _request(5, question_type=question_type), CandidateProfile()
    )
    assert len(questions) == 5
    assert all(question.question_type == question_type for question in questions)
    assert all(question.slug for question in questions)


async def test_the_real_bank_fits_a_profile() -> None:
    areas = {question.area for question in load_bank()}
    profile = CandidateProfile(languages=["C++"], topics=["postgres"])
    questions = await BuiltinEngine(seed=2).generate_questions(
        _request(4, focus=["C++", "postgres"]), profile
    )
    assert {"cpp", "sql-databases"} <= areas
    for question in questions:
        labels = {canonical(label) for label in [question.area, *question.tags]}
        assert labels & {"cpp", "sql-databases"}, question.slug

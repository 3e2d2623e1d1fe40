"""Choosing questions from the bank for one interview.

Candidates are ranked in tiers (matches the focus topics; not asked recently; difficulty
distance from the one requested) and each tier is exhausted before the next is touched.
Within a tier, questions are drawn at random, weighted towards the profile and its weak areas
and away from areas already drawn, so an interview spreads across areas.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterable, Sequence

from mockroom.ai.providers.builtin.text import word_set
from mockroom.ai.schemas import CandidateProfile, Difficulty, Question, QuestionRequest

DIFFICULTY_ORDER: tuple[Difficulty, ...] = ("easy", "medium", "hard")

# Common spellings people type, mapped to the bank's area and tag names.
ALIASES = {
    "c++": "cpp",
    "cplusplus": "cpp",
    "c#": "csharp",
    "c-sharp": "csharp",
    ".net": "csharp",
    "dotnet": "csharp",
    "golang": "go",
    "js": "javascript",
    "node": "javascript",
    "node.js": "javascript",
    "nodejs": "javascript",
    "ecmascript": "javascript",
    "ts": "typescript",
    "py": "python",
    "python3": "python",
    "postgres": "sql-databases",
    "postgresql": "sql-databases",
    "mysql": "sql-databases",
    "sqlite": "sql-databases",
    "sql": "sql-databases",
    "databases": "sql-databases",
    "rdbms": "sql-databases",
    "k8s": "kubernetes",
    "os": "operating-systems",
    "dsa": "algorithms",
    "ml": "machine-learning",
    "rb": "ruby",
    "kt": "kotlin",
}
# Bank areas that are programming languages: a profile that names its languages should not be
# asked about other languages' internals.
LANGUAGE_AREAS = word_set(
    "python javascript typescript go rust java cpp c csharp kotlin swift ruby php scala "
    "elixir haskell"
)
PROFILE_WEIGHT = 4.0
WEAK_AREA_WEIGHT = 3.0
OTHER_LANGUAGE_WEIGHT = 0.1
# Each question already drawn from an area divides that area's weight by (1 + this * count).
SPREAD = 3.0


def canonical(topic: str) -> str:
    """Lower case, hyphenated, with common aliases resolved ("C++" -> "cpp")."""
    name = topic.strip().lower()
    name = ALIASES.get(name, name)
    name = "-".join(name.replace("_", " ").split())
    return ALIASES.get(name, name)


def _labels(question: Question) -> set[str]:
    return {canonical(question.area), *(canonical(tag) for tag in question.tags)}


def _matches(question: Question, topics: Iterable[str]) -> bool:
    return bool(_labels(question) & {canonical(topic) for topic in topics})


def select(
    bank: Sequence[Question],
    request: QuestionRequest,
    profile: CandidateProfile,
    rng: random.Random,
) -> list[Question]:
    pool = [question for question in bank if question.question_type == request.question_type]
    wanted = DIFFICULTY_ORDER.index(request.difficulty)
    recent = set(profile.recent_question_slugs)
    focus = [canonical(topic) for topic in request.focus_topics]

    def tier(question: Question) -> tuple[int, int, int]:
        off_focus = 1 if focus and not _matches(question, focus) else 0
        repeated = 1 if question.slug in recent else 0
        distance = abs(DIFFICULTY_ORDER.index(question.difficulty) - wanted)
        return (off_focus, repeated, distance)

    tiers: dict[tuple[int, int, int], list[Question]] = {}
    for question in pool:
        tiers.setdefault(tier(question), []).append(question)

    chosen: list[Question] = []
    areas: Counter[str] = Counter()
    for key in sorted(tiers):
        remaining = sorted(tiers[key], key=lambda question: question.slug or question.prompt)
        while remaining and len(chosen) < request.count:
            weights = [_weight(question, profile, areas) for question in remaining]
            picked = remaining.pop(rng.choices(range(len(remaining)), weights)[0])
            chosen.append(picked)
            areas[picked.area] += 1
        if len(chosen) >= request.count:
            break
    return chosen


def _weight(question: Question, profile: CandidateProfile, areas: Counter[str]) -> float:
    weight = 1.0
    if _matches(question, [*profile.languages, *profile.topics]):
        weight *= PROFILE_WEIGHT
    elif profile.languages and canonical(question.area) in LANGUAGE_AREAS:
        weight *= OTHER_LANGUAGE_WEIGHT
    if _matches(question, profile.weak_areas):
        weight *= WEAK_AREA_WEIGHT
    return weight / (1.0 + SPREAD * areas[question.area])

"""When the interviewer asks a follow-up, which one, and what a prompted answer is worth."""

from __future__ import annotations

import re

from mockroom.ai.schemas import CRITERIA, CriterionScores, Evaluation

# Below this the answer missed the question entirely (or was gated as noise): a follow-up
# would only prolong a bad moment. At or above the upper bound there is little left to probe.
OFFER_BELOW = 80.0
OFFER_FROM = 20.0
# A point the candidate only made after being prompted earns half of the improvement.
PROMPTED_CREDIT = 0.5

_WORD = re.compile(r"[a-z0-9]+")
_STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "can",
        "do",
        "does",
        "for",
        "from",
        "how",
        "in",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "that",
        "the",
        "this",
        "to",
        "was",
        "what",
        "when",
        "where",
        "which",
        "who",
        "why",
        "with",
        "would",
        "you",
        "your",
    ]
)


def should_offer(evaluation: Evaluation, follow_ups: list[str]) -> bool:
    return (
        bool(follow_ups)
        and bool(evaluation.missed_key_points)
        and OFFER_FROM <= evaluation.overall < OFFER_BELOW
    )


def _words(text: str) -> set[str]:
    return {word for word in _WORD.findall(text.lower()) if word not in _STOPWORDS}


def closest(follow_ups: list[str], missed_key_points: list[str]) -> str:
    """The follow-up that shares most words with what was missed (the first on a tie)."""
    missed = _words(" ".join(missed_key_points))
    return max(follow_ups, key=lambda follow_up: len(_words(follow_up) & missed))


def blend(main: Evaluation | None, follow_up: Evaluation | None) -> tuple[float, CriterionScores]:
    """A main question's final score and criteria, raised by half of what a follow-up recovered."""
    if main is None:
        zero = CriterionScores(technical_accuracy=0, completeness=0, clarity=0, problem_solving=0)
        return 0.0, zero
    if follow_up is None:
        return main.overall, main.criteria

    def raised(before: float, after: float) -> float:
        return before + PROMPTED_CREDIT * max(0.0, after - before)

    criteria = CriterionScores(
        **{
            name: raised(getattr(main.criteria, name), getattr(follow_up.criteria, name))
            for name in CRITERIA
        }
    )
    return raised(main.overall, follow_up.overall), criteria

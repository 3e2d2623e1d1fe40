"""Insights into how an answer sounded: the field's terms it used, the words it leaned on, and
how many of the question's talking points it covered."""

from __future__ import annotations

from collections import Counter

from mockroom.ai.providers.builtin.text import STOPWORDS, words
from mockroom.ai.schemas import Evaluation, Insights, Question, WordCount

MOST_USED = 5
MOST_TERMS = 12
# Shorter words are rarely terms of art, and counting them crowds out the ones that are.
SHORTEST_TERM = 3


def _content_words(text: str) -> list[str]:
    return [word for word in words(text) if word not in STOPWORDS and len(word) >= SHORTEST_TERM]


def build(question: Question, answer: str, evaluation: Evaluation) -> Insights:
    answer_words = _content_words(answer)
    field_vocabulary = set(
        _content_words(" ".join([*question.key_points, *question.tags, question.reference_answer]))
    ) - set(_content_words(question.prompt))
    job_terms = list(dict.fromkeys(word for word in answer_words if word in field_vocabulary))
    counts = Counter(answer_words).most_common(MOST_USED)
    return Insights(
        job_terms=job_terms[:MOST_TERMS],
        most_used_words=[WordCount(word=word, count=count) for word, count in counts if count > 1],
        talking_points_covered=len(evaluation.covered_key_points),
        talking_points_total=len(question.key_points),
    )

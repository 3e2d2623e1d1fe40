"""Insights into how an answer sounded: the field's terms it used, the words it leaned on, and
how many of the question's talking points it covered."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import cache

from mockroom.ai.providers.builtin.text import STOPWORDS, words
from mockroom.ai.schemas import Evaluation, Insights, Question, WordCount
from mockroom.questions.bank import load_bank

MOST_USED = 5
MOST_TERMS = 12
# Shorter words are rarely terms of art, and counting them crowds out the ones that are.
SHORTEST_TERM = 3
# A reference answer also uses everyday words ("correct", "option", "data"). A term of the
# field is one at least this many times more common in its own area's questions than in the
# whole bank; in the bank this keeps "recall", "validation" and "pointers" and drops those.
DISTINCTIVE_LIFT = 2.0
# For an area the bank does not have (a hosted model's question), a word in more than this share
# of all questions is too common to be a term.
COMMON_SHARE = 0.1


def _content_words(text: str) -> list[str]:
    return [word for word in words(text) if word not in STOPWORDS and len(word) >= SHORTEST_TERM]


def _vocabulary(question: Question) -> set[str]:
    text = " ".join([*question.key_points, *question.tags, question.reference_answer])
    return set(_content_words(text))


@dataclass(frozen=True)
class _BankCounts:
    """In how many bank questions each word appears: overall and within each area."""

    questions: int
    overall: Counter[str]
    area_questions: Counter[str]
    by_area: dict[str, Counter[str]]

    def distinctive(self, word: str, area: str) -> bool:
        in_bank = self.overall[word] / self.questions
        if area not in self.by_area:
            return in_bank <= COMMON_SHARE
        in_area = self.by_area[area][word] / self.area_questions[area]
        return in_bank > 0 and in_area / in_bank >= DISTINCTIVE_LIFT


@cache
def _bank_counts() -> _BankCounts:
    bank = load_bank()
    overall: Counter[str] = Counter()
    area_questions: Counter[str] = Counter()
    by_area: dict[str, Counter[str]] = {}
    for question in bank:
        vocabulary = _vocabulary(question)
        overall.update(vocabulary)
        area_questions[question.area] += 1
        by_area.setdefault(question.area, Counter()).update(vocabulary)
    return _BankCounts(len(bank), overall, area_questions, by_area)


def build(question: Question, answer: str, evaluation: Evaluation) -> Insights:
    answer_words = _content_words(answer)
    counts = _bank_counts()
    field_vocabulary = {
        word
        for word in _vocabulary(question) - set(_content_words(question.prompt))
        if counts.distinctive(word, question.area)
    }
    job_terms = list(dict.fromkeys(word for word in answer_words if word in field_vocabulary))
    most_used = Counter(answer_words).most_common(MOST_USED)
    return Insights(
        job_terms=job_terms[:MOST_TERMS],
        most_used_words=[
            WordCount(word=word, count=count) for word, count in most_used if count > 1
        ],
        talking_points_covered=len(evaluation.covered_key_points),
        talking_points_total=len(question.key_points),
    )

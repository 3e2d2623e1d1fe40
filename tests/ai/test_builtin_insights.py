"""Insights name the field's terms an answer used, its most-used words and its talking points."""

from __future__ import annotations

from mockroom.ai.providers.builtin.engine import BuiltinEngine
from mockroom.ai.schemas import AnswerToGrade
from mockroom.questions.bank import load_bank


async def test_insights_describe_the_answer() -> None:
    question = next(q for q in load_bank() if q.slug and q.slug.startswith("sql-databases"))
    answer = f"{question.reference_answer} Indexes, indexes, indexes."
    evaluation = await BuiltinEngine().evaluate(AnswerToGrade(question=question, answer=answer))
    insights = evaluation.insights
    assert insights is not None
    assert insights.talking_points_total == len(question.key_points)
    assert insights.talking_points_covered == len(evaluation.covered_key_points)
    assert insights.job_terms, "a reference answer uses the field's terms"
    assert all(term in answer.lower() for term in insights.job_terms)
    counts = [item.count for item in insights.most_used_words]
    assert counts == sorted(counts, reverse=True) and counts[0] >= 2


async def test_an_empty_of_content_answer_has_no_terms() -> None:
    question = load_bank()[0]
    evaluation = await BuiltinEngine().evaluate(
        AnswerToGrade(question=question, answer="Well, I think it is good and nice.")
    )
    assert evaluation.insights is not None
    assert evaluation.insights.job_terms == []
    assert evaluation.insights.talking_points_covered == 0


async def test_everyday_words_are_not_terms_of_the_field() -> None:
    by_slug = {question.slug: question for question in load_bank()}
    cases = {
        "algorithms-two-pointers": (
            "Two pointers on the sorted array: this is correct, and each step discards one "
            "element, so it stays linear.",
            {"pointers", "element", "linear"},
            # "sorted array" is the question's own wording, so it earns nothing either.
            {"correct", "step", "sorted", "array"},
        ),
        "machine-learning-class-imbalance": (
            "Another option is class weights; for the imbalance, report precision and recall "
            "on validation data.",
            {"weights", "precision", "recall", "validation"},
            {"option", "data", "imbalance"},
        ),
    }
    for slug, (answer, terms, everyday) in cases.items():
        question = by_slug[slug]
        evaluation = await BuiltinEngine().evaluate(AnswerToGrade(question=question, answer=answer))
        assert evaluation.insights is not None
        found = set(evaluation.insights.job_terms)
        assert terms <= found, (slug, found)
        assert not found & everyday, (slug, found)

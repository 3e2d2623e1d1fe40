"""The score guard: the built-in grader's evidence caps a lenient hosted grade."""

from __future__ import annotations

from typing import Any

from mockroom.ai.guard import guard
from mockroom.ai.schemas import CriterionScores, Evaluation

KEY_POINTS = ["Caches trade memory for speed.", "Stale entries need invalidation."]


def grade(overall: float, **changes: Any) -> Evaluation:
    values: dict[str, Any] = {
        "overall": overall,
        "criteria": CriterionScores(
            technical_accuracy=overall,
            completeness=overall,
            clarity=overall,
            problem_solving=overall,
        ),
        "summary": "Summary.",
        "strengths": ["A strength."],
        "improvements": ["An improvement."],
        "suggestions": ["A suggestion."],
        "covered_key_points": KEY_POINTS,
        "missed_key_points": [],
        "flags": [],
    }
    return Evaluation.model_validate(values | changes)


def test_a_grade_the_evidence_supports_stands() -> None:
    hosted = grade(91)
    assert guard(hosted, grade(70, covered_key_points=KEY_POINTS[:1])).evaluation == hosted


def test_no_key_point_found_caps_at_half_and_says_why() -> None:
    reference = grade(
        22,
        summary="A weak answer: it covered 0 of 2 key points.",
        covered_key_points=[],
        missed_key_points=KEY_POINTS,
        improvements=["You did not mention that caches trade memory for speed."],
    )

    guarded = guard(
        grade(
            90,
            criteria=CriterionScores(
                technical_accuracy=95, completeness=90, clarity=40, problem_solving=85
            ),
        ),
        reference,
    )

    result = guarded.evaluation
    assert result.overall == 50
    assert result.criteria == CriterionScores(
        technical_accuracy=50, completeness=50, clarity=40, problem_solving=50
    )
    assert result.flags == ["score_capped"]
    assert result.summary == reference.summary
    assert result.missed_key_points == KEY_POINTS and result.covered_key_points == []
    assert result.improvements[0] == reference.improvements[0]
    assert guarded.reason == "score capped from 90 to 50 (no key point covered)"


def test_a_gated_answer_gets_the_builtin_grade_when_the_llm_is_lenient() -> None:
    reference = grade(0, flags=["grader_instruction"], covered_key_points=[], strengths=[])

    guarded = guard(grade(100), reference)

    assert guarded.evaluation.overall == 0
    assert guarded.evaluation.flags == ["grader_instruction", "score_capped"]
    assert guarded.reason == "score capped from 100 to 0 (gate: grader_instruction)"


def test_a_low_llm_grade_on_a_gated_answer_stands_with_the_gate_flag() -> None:
    guarded = guard(grade(4, flags=["off_topic"]), grade(0, flags=["off_topic", "misconception"]))

    assert guarded.evaluation.overall == 4
    assert guarded.evaluation.flags == ["off_topic"]
    assert guarded.reason is None

"""From an ``Analysis`` to the four 0-100 criteria and the overall score.

Every criterion is built from signals measured against the question's own reference answer,
so a reference answer scores near the top and the scale means the same across questions.
"""

from __future__ import annotations

from dataclasses import dataclass

from mockroom.ai.providers.builtin.grader import Analysis, ramp
from mockroom.ai.providers.builtin.signals import Star, communication, design_aspects, star
from mockroom.ai.schemas import CriterionScores, QuestionType

# How much each criterion counts towards the overall score, per question type: technical
# answers live or die on being right; stories and designs on how the candidate reasons.
WEIGHTS: dict[QuestionType, dict[str, float]] = {
    "technical": {
        "technical_accuracy": 0.40,
        "completeness": 0.30,
        "clarity": 0.10,
        "problem_solving": 0.20,
    },
    "behavioral": {
        "technical_accuracy": 0.20,
        "completeness": 0.25,
        "clarity": 0.20,
        "problem_solving": 0.35,
    },
    "system_design": {
        "technical_accuracy": 0.25,
        "completeness": 0.30,
        "clarity": 0.10,
        "problem_solving": 0.35,
    },
}
MISCONCEPTION_PENALTY = 30.0
# A gated answer keeps at most this much of each criterion; overall then stays under 15.
GATED_CAP = {
    "technical_accuracy": 5.0,
    "completeness": 5.0,
    "clarity": 20.0,
    "problem_solving": 5.0,
}


@dataclass(frozen=True)
class Scores:
    criteria: CriterionScores
    overall: float
    star: Star | None
    design: dict[str, int] | None
    design_expected: dict[str, int] | None


def score(analysis: Analysis) -> Scores:
    question_type = analysis.question.question_type
    story: Star | None = None
    design: dict[str, int] | None = None
    expected: dict[str, int] | None = None
    if question_type == "behavioral":
        story = star(analysis.answer)
        accuracy, completeness = _behavioral_accuracy(analysis, story)
        solving = _behavioral(story, star(analysis.question.reference_answer), analysis)
    else:
        accuracy, completeness = _accuracy(analysis), _completeness(analysis)
        if question_type == "system_design":
            design = design_aspects(analysis.answer)
            expected = design_aspects(analysis.question.reference_answer)
            solving = _system_design(design, expected, analysis)
        else:
            solving = _technical(analysis)
    values = {
        "technical_accuracy": accuracy,
        "completeness": completeness,
        "clarity": _clarity(analysis),
        "problem_solving": solving,
    }
    if analysis.gate is not None:
        values = {name: min(value, GATED_CAP[name]) for name, value in values.items()}
    values = {name: round(max(0.0, min(100.0, value)), 1) for name, value in values.items()}
    weights = WEIGHTS[question_type]
    overall = round(sum(values[name] * weights[name] for name in weights), 1)
    return Scores(CriterionScores(**values), overall, story, design, expected)


# The ramps below run from what an unrelated answer typically gets (MiniLM cosines of ~0.3 for
# sentences, ~0.3 for aligned word pieces) to what a close paraphrase gets.


def _accuracy(analysis: Analysis) -> float:
    """Says what the reference says, and little the reference would not support."""
    similarity = ramp(analysis.reference_similarity, 0.3, 0.85)
    precision = ramp(analysis.precision, 0.3, 0.7)
    supported = ramp(analysis.token_precision, 0.4, 0.85)
    base = 100.0 * (0.3 * similarity + 0.2 * precision + 0.2 * supported + 0.3 * analysis.coverage)
    return base - MISCONCEPTION_PENALTY * len(analysis.misconceptions)


def _completeness(analysis: Analysis) -> float:
    """Makes each key point, and carries the reference's content over (its aligned word pieces,
    and its words that the prompt does not already contain)."""
    return 100.0 * (
        0.7 * analysis.coverage
        + 0.15 * ramp(analysis.token_recall, 0.35, 0.85)
        + 0.15 * ramp(analysis.lexical_recall, 0.05, 0.6)
    )


def _behavioral_accuracy(analysis: Analysis, story: Star) -> tuple[float, float]:
    """Accuracy and completeness for a story, which is the candidate's own and so need not
    resemble the reference story: it must fit the question and meet the rubric's key points,
    and a story without an outcome is incomplete whatever else it covers."""
    fits = ramp(
        analysis.prompt_similarity, 0.1, max(0.2, 0.9 * analysis.reference_prompt_similarity)
    )
    resembles = ramp(analysis.reference_similarity, 0.2, 0.7)
    accuracy = 100.0 * (0.35 * fits + 0.25 * resembles + 0.4 * analysis.coverage)
    outcome = 0.5 * story.present["result"] + 0.5 * story.quantified
    completeness = 100.0 * (0.6 * analysis.coverage + 0.4 * outcome)
    return accuracy - MISCONCEPTION_PENALTY * len(analysis.misconceptions), completeness


def _clarity(analysis: Analysis) -> float:
    stats = analysis.communication
    reference = communication(analysis.question.reference_answer)
    # Length relative to the model answer: under a tenth of it is curt, three times it rambles.
    # Concise is not unclear, so shortness costs at most half.
    ratio = stats.word_count / max(reference.word_count, 1)
    length = 0.5 + 0.5 * ramp(ratio, 0.1, 0.4) if ratio < 1 else 1.0 - 0.5 * ramp(ratio, 3, 6)
    value = 100.0 * length
    value -= min(30.0, 400.0 * stats.filler_rate)
    value -= min(20.0, 200.0 * stats.hedge_rate)
    value -= min(30.0, 60.0 * stats.duplicate_sentence_share)
    if stats.longest_sentence > 60:
        value -= 10.0
    # A long answer with no signposting ("first", "then", a list) is hard to follow aloud.
    if stats.word_count > 120 and stats.structure_markers == 0:
        value -= 10.0
    # Relevance scales clarity: a fluent answer to another question is not clear about this one.
    return value * (0.4 + 0.6 * ramp(analysis.precision, 0.2, 0.55))


def _technical(analysis: Analysis) -> float:
    reasoning = communication(analysis.answer).reasoning_markers
    expected = communication(analysis.question.reference_answer).reasoning_markers
    depth = min(1.0, (reasoning + 1) / (expected + 1))
    return 100.0 * (
        0.6 * (0.5 * analysis.coverage + 0.5 * ramp(analysis.recall, 0.3, 0.7))
        + 0.4 * depth * ramp(analysis.precision, 0.25, 0.6)
    )


def _behavioral(story: Star, reference: Star, analysis: Analysis) -> float:
    # Good stories often leave the task implicit, so only the set-up parts the cues find in the
    # reference story are expected. The result counts on its own: it is what interviewers
    # most often find missing.
    setup = [part for part in ("situation", "task", "action") if reference.present[part]]
    parts = sum(story.present[part] for part in setup) / max(2, len(setup))
    real = 1.0 - story.hypothetical_share
    ownership = ramp(story.first_person_share, 0.2, 0.6)
    relevant = ramp(analysis.precision, 0.15, 0.4)
    return (
        100.0
        * relevant
        * (
            0.3 * min(1.0, parts)
            + 0.25 * story.present["result"]
            + 0.15 * story.quantified
            + 0.15 * real
            + 0.15 * ownership
        )
    )


def _system_design(design: dict[str, int], expected: dict[str, int], analysis: Analysis) -> float:
    aspects = [min(1.0, design[aspect] / max(1, min(3, expected[aspect]))) for aspect in design]
    relevant = ramp(analysis.precision, 0.2, 0.5)
    return 100.0 * relevant * (0.7 * sum(aspects) / len(aspects) + 0.3 * analysis.coverage)

"""Keeps a hosted model's grade honest with the built-in grader's evidence.

An LLM can be talked into a high score (an answer that asks for one) or be simply lenient.
The built-in grader runs beside it; where its relevance gate rejects the answer, or it finds
none of the key points, the LLM's score is capped and the evaluation says so in ``flags``.
Otherwise the LLM's grade stands: it reads paraphrases better than embeddings do.
"""

from __future__ import annotations

from dataclasses import dataclass

from mockroom.ai.schemas import CRITERIA, CriterionScores, Evaluation

# The flags the built-in relevance gate (providers/builtin/gate.py) raises for text that is
# not an attempt at the question.
GATE_FLAGS = frozenset(
    {
        "grader_instruction",
        "no_answer",
        "too_short",
        "gibberish",
        "repetitive",
        "restates_question",
        "keyword_list",
        "off_topic",
    }
)
CAPPED_FLAG = "score_capped"
# A rejected answer scores near zero; above this the built-in grade replaces the LLM's.
GATED_CEILING = 10.0
# Embeddings miss some paraphrases, so an answer with no key point found is capped at half
# rather than zeroed.
UNCOVERED_CEILING = 50.0


@dataclass(frozen=True)
class Guarded:
    evaluation: Evaluation
    # Why the score was capped, for the call record; None when the LLM's score stands.
    reason: str | None = None


def rejected_by_gate(reference: Evaluation) -> list[str]:
    """The built-in gate's reasons for not treating the answer as an attempt, if any."""
    return [flag for flag in reference.flags if flag in GATE_FLAGS]


def guard(graded: Evaluation, reference: Evaluation) -> Guarded:
    """``graded`` from the LLM, checked against ``reference`` from the built-in grader."""
    gate_flags = rejected_by_gate(reference)
    if gate_flags:
        ceiling = max(GATED_CEILING, reference.overall)
        reason = f"gate: {', '.join(gate_flags)}"
    elif not reference.covered_key_points:
        ceiling = max(UNCOVERED_CEILING, reference.overall)
        reason = "no key point covered"
    else:
        return Guarded(graded)

    flags = _merged(graded.flags, gate_flags)
    if graded.overall <= ceiling:
        return Guarded(graded.model_copy(update={"flags": flags}))
    flags = _merged(flags, [CAPPED_FLAG])
    if gate_flags:
        # The LLM was fooled or careless: the built-in grade and its words, which say what is
        # wrong with the answer, replace it.
        evaluation = reference.model_copy(update={"flags": flags})
    else:
        evaluation = Evaluation(
            overall=ceiling,
            criteria=CriterionScores(
                **{name: min(getattr(graded.criteria, name), ceiling) for name in CRITERIA}
            ),
            summary=reference.summary,
            strengths=graded.strengths,
            improvements=_merged(reference.improvements, graded.improvements),
            suggestions=graded.suggestions,
            covered_key_points=[],
            missed_key_points=reference.missed_key_points,
            flags=flags,
        )
    return Guarded(
        evaluation, f"score capped from {graded.overall:.0f} to {evaluation.overall:.0f} ({reason})"
    )


def _merged(first: list[str], second: list[str]) -> list[str]:
    return first + [item for item in second if item not in first]

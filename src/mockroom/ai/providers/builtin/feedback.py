"""Words for an ``Analysis`` and its ``Scores``: specific to the answer, never generic filler."""

from __future__ import annotations

from mockroom.ai.providers.builtin.grader import Analysis
from mockroom.ai.providers.builtin.scoring import Scores
from mockroom.ai.providers.builtin.text import word_set, words
from mockroom.ai.schemas import Evaluation, QuestionType

_STAR_ADVICE = {
    "situation": "Open with the situation: where you were, the team and what was at stake.",
    "task": "Say what your own task or goal was, separately from the team's.",
    "action": "Describe the actions you took yourself, in the first person and past tense.",
    "result": "Finish with the result: what changed, and what you learned.",
}
_DESIGN_ADVICE = {
    "components": "Name the main components (clients, services, stores, queues) and how a "
    "request flows through them.",
    "data model": "Sketch the data model: the main entities, their keys and how they are stored.",
    "scaling": "Explain how it scales: sharding or partitioning, caching, queues, replication.",
    "trade-offs": "State the trade-offs you made (consistency vs. availability, latency vs. "
    "cost) and what you would revisit.",
}
# Words that make a key point read as a clause ("Lookups are O(1)"), which takes "that".
_CLAUSE_VERBS = word_set(
    "is are was were be has have can cannot must should will would does do may uses use "
    "lets allows requires means runs keeps stores returns"
)


def _quote(text: str, limit: int = 120) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3].rstrip() + "..."


def _lower_first(text: str) -> str:
    text = text.strip().rstrip(".")
    if len(text) > 1 and text[0].isupper() and not text[1].isupper():
        return text[0].lower() + text[1:]
    return text


def missed_sentence(key_point: str, question_type: QuestionType) -> str:
    point = _lower_first(key_point)
    if question_type == "behavioral":
        # Behavioral key points are rubric lines about the story ("Quantifies the effect").
        return f"Your story did not show this: {key_point.strip().rstrip('.')}."
    if _CLAUSE_VERBS & set(words(point)):
        return f"You did not mention that {point}."
    return f"You did not mention {point}."


def build(analysis: Analysis, scores: Scores) -> Evaluation:
    covered, missed = analysis.covered, analysis.missed
    flags: list[str] = []
    strengths: list[str] = []
    improvements: list[str] = []
    suggestions: list[str] = []
    question = analysis.question

    if analysis.gate is not None:
        flags.append(analysis.gate.flag)
        improvements.append(analysis.gate.reason)
        improvements.extend(
            missed_sentence(point, question.question_type) for point in question.key_points[:3]
        )
        suggestions.append(
            "Answer the question in your own words: "
            + "; ".join(_lower_first(point) for point in question.key_points[:3])
            + "."
        )
        summary = f"Not scored as an answer: {_lower_first(analysis.gate.reason)}."
        return Evaluation(
            overall=scores.overall,
            criteria=scores.criteria,
            summary=summary,
            strengths=[],
            improvements=improvements,
            suggestions=suggestions,
            covered_key_points=[],
            missed_key_points=list(question.key_points),
            flags=flags,
        )

    strengths.extend(f"You covered: {_lower_first(point)}." for point in covered[:4])
    improvements.extend(missed_sentence(point, question.question_type) for point in missed)
    for hit in analysis.misconceptions:
        flags.append("misconception")
        improvements.insert(
            0,
            f'You said "{_quote(hit.segment)}", but that is a common misconception: '
            f"{_lower_first(hit.correction)}.",
        )

    if scores.star is not None:
        story = scores.star
        present = [part for part, found in story.present.items() if found]
        if story.parts >= 3:
            strengths.append(f"Your story has a clear {', '.join(present)}.")
        suggestions.extend(_STAR_ADVICE[part] for part in story.missing)
        if story.hypothetical_share > 0.3:
            flags.append("hypothetical")
            improvements.append(
                'Much of the answer says what you "would" do; interviewers want a real past '
                "situation and what you actually did."
            )
        if story.first_person_share < 0.3:
            suggestions.append('Say "I" more than "we", so your own contribution is clear.')
        if not story.quantified:
            suggestions.append("Quantify the result (time saved, errors avoided, users helped).")
    if scores.design is not None and scores.design_expected is not None:
        for aspect, count in scores.design.items():
            if count == 0:
                suggestions.append(_DESIGN_ADVICE[aspect])
            elif count >= min(3, max(1, scores.design_expected[aspect])):
                strengths.append(f"You addressed {aspect}.")

    stats = analysis.communication
    if stats.filler_rate > 0.02:
        suggestions.append('Cut filler words ("basically", "um", "you know"); pause instead.')
    if stats.hedge_rate > 0.02:
        suggestions.append('State what you know plainly; fewer "I think" and "maybe".')
    if scores.criteria.clarity < 50 and stats.word_count < 25:
        suggestions.append("Develop the answer: explain why, and give an example.")
    if stats.longest_sentence > 60:
        suggestions.append("Break long sentences up; one idea per sentence is easier to follow.")
    if missed and question.follow_ups:
        suggestions.append(f"Practise the follow-up: {question.follow_ups[0]}")

    total = len(question.key_points)
    summary = (
        f"{_band(scores.overall)} answer: it covered {len(covered)} of {total} key points"
        + (f" and missed {_lower_first(missed[0])}" if missed else "")
        + (
            f"; it also asserted a misconception ({_quote(analysis.misconceptions[0].claim, 80)})"
            if analysis.misconceptions
            else ""
        )
        + "."
    )
    return Evaluation(
        overall=scores.overall,
        criteria=scores.criteria,
        summary=summary,
        strengths=strengths,
        improvements=improvements,
        suggestions=suggestions,
        covered_key_points=covered,
        missed_key_points=missed,
        flags=flags,
    )


def _band(overall: float) -> str:
    if overall >= 80:
        return "A strong"
    if overall >= 60:
        return "A good"
    if overall >= 40:
        return "A partial"
    return "A weak"

"""The built-in engine: offline, CPU only, the default and the one tests use."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Sequence

from mockroom.ai.providers.builtin import feedback, insights, scoring, selection, study_plan
from mockroom.ai.providers.builtin.embeddings import Embedder, shared_embedder
from mockroom.ai.providers.builtin.grader import Grader
from mockroom.ai.schemas import (
    AnswerToGrade,
    CandidateProfile,
    Evaluation,
    PerformanceHistory,
    Question,
    QuestionRequest,
    StudyPlan,
)
from mockroom.questions.bank import load_bank


class BuiltinEngine:
    """Questions from the curated bank, grading by embeddings and rubric rules, study plans.

    ``seed`` or ``rng`` make question selection reproducible; ``bank`` replaces the curated
    bank (a smaller or custom one); ``embedder`` defaults to the process-wide shared model.
    """

    name = "builtin"

    def __init__(
        self,
        *,
        seed: int | None = None,
        rng: random.Random | None = None,
        bank: Sequence[Question] | None = None,
        embedder: Embedder | None = None,
    ) -> None:
        self._rng = rng if rng is not None else random.Random(seed)  # noqa: S311 - not secrets
        self._bank = tuple(bank) if bank is not None else None
        self._embedder = embedder
        self._grader: Grader | None = None

    @property
    def bank(self) -> Sequence[Question]:
        return self._bank if self._bank is not None else load_bank()

    @property
    def grader(self) -> Grader:
        if self._grader is None:
            self._grader = Grader(self._embedder or shared_embedder())
        return self._grader

    async def warm_up(self) -> None:
        """Load the model now rather than on the first answer."""
        await asyncio.to_thread(self.grader.embedder.load)

    async def generate_questions(
        self, request: QuestionRequest, profile: CandidateProfile
    ) -> list[Question]:
        bank = await asyncio.to_thread(lambda: self.bank)
        return selection.select(bank, request, profile, self._rng)

    async def evaluate(self, item: AnswerToGrade) -> Evaluation:
        return await asyncio.to_thread(self.evaluate_sync, item)

    def evaluate_sync(self, item: AnswerToGrade) -> Evaluation:
        """Grade on the calling thread (for scripts and the benchmark)."""
        analysis = self.grader.analyse(item.question, item.answer)
        evaluation = feedback.build(analysis, scoring.score(analysis))
        evaluation.insights = insights.build(item.question, item.answer, evaluation)
        return evaluation

    async def study_plan(self, history: PerformanceHistory) -> StudyPlan:
        bank = await asyncio.to_thread(lambda: self.bank)
        return study_plan.build(history, bank)

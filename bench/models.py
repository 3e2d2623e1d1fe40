"""What the grading benchmarks share: scorers that turn an answer into features, a ridge
mapping fitted on tuning data only, and the metrics.

A scorer is anything with ``names`` and ``features(question, answer) -> vector``. The built-in
one reads the grader's own ``Analysis`` (the signals the product scores with, plus the product's
overall score); ``EngineScorer`` wraps any object with the Engine protocol's ``evaluate`` and
uses the 0-100 scores it returns, so hosted providers are measured the same way.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
import numpy.typing as npt

from mockroom.ai.providers.builtin import scoring
from mockroom.ai.providers.builtin.embeddings import Embedder
from mockroom.ai.providers.builtin.grader import Grader
from mockroom.ai.providers.builtin.text import split_clauses, split_sentences
from mockroom.ai.recorder import reporting
from mockroom.ai.registry import build_engine
from mockroom.ai.schemas import CRITERIA, AnswerToGrade, Evaluation, Question
from mockroom.ai.settings import AiSettings

Matrix = npt.NDArray[np.float64]
Mask = npt.NDArray[np.bool_]


class Scorer(Protocol):
    names: tuple[str, ...]

    def load(self) -> float:
        """Get ready to score (load a model, say); returns the seconds it took."""
        ...

    def features(self, question: Question, answer: str) -> list[float]: ...


class Evaluator(Protocol):
    """The part of the Engine protocol a benchmark needs."""

    async def evaluate(self, item: AnswerToGrade) -> Evaluation: ...


def benchmark_question(prompt: str, reference: str) -> Question:
    """A grader ``Question`` for a benchmark item, which has no key points of its own: the
    reference answer's clauses (or sentences) stand in for them.

    Built without validation because some benchmark references are shorter than the bank's
    minimum ("by reference.").
    """
    clauses = split_clauses(reference)
    points = clauses if len(clauses) > 1 else split_sentences(reference)
    return Question.model_construct(
        question_type="technical",
        area="benchmark",
        difficulty="medium",
        prompt=prompt,
        reference_answer=reference,
        key_points=points[:8] or [reference],
        follow_ups=[],
        misconceptions=[],
        tags=[],
        slug=None,
    )


class BuiltinScorer:
    names: tuple[str, ...] = (
        "reference_similarity",
        "prompt_similarity",
        "precision",
        "recall",
        "lexical_recall",
        "coverage",
        "covered_share",
        "token_recall",
        "token_precision",
        "log_words",
        "length_ratio",
        "gated",
        "overall",
    )

    def __init__(self, embedder: Embedder | None = None) -> None:
        self.embedder = embedder or Embedder()
        self.grader = Grader(self.embedder)

    def load(self) -> float:
        """Load the model (hash check included); returns the seconds it took."""
        started = time.perf_counter()
        self.embedder.load()
        return time.perf_counter() - started

    def features(self, question: Question, answer: str) -> list[float]:
        analysis = self.grader.analyse(question, answer)
        stats = analysis.communication
        reference_words = max(1, len(question.reference_answer.split()))
        return [
            analysis.reference_similarity,
            analysis.prompt_similarity,
            analysis.precision,
            analysis.recall,
            analysis.lexical_recall,
            analysis.coverage,
            len(analysis.covered) / len(analysis.key_points),
            analysis.token_recall,
            analysis.token_precision,
            math.log1p(stats.word_count),
            min(3.0, stats.word_count / reference_words),
            1.0 if analysis.gate is not None else 0.0,
            scoring.score(analysis).overall / 100,
        ]


class EngineScorer:
    """Features from an engine's evaluation: its overall score and the four criteria."""

    names: tuple[str, ...] = ("overall", *CRITERIA)

    def __init__(self, engine: Evaluator) -> None:
        self.engine = engine
        self.loop = asyncio.new_event_loop()

    def load(self) -> float:
        return 0.0

    def features(self, question: Question, answer: str) -> list[float]:
        evaluation = self.loop.run_until_complete(
            self.engine.evaluate(AnswerToGrade(question=question, answer=answer))
        )
        criteria = evaluation.criteria
        return [evaluation.overall / 100] + [getattr(criteria, name) / 100 for name in CRITERIA]


@dataclass
class Timed:
    features: Matrix
    # Wall-clock seconds per answer, and CPU seconds of this thread per answer (which other
    # processes competing for the CPU do not inflate).
    seconds: list[float] = field(default_factory=list)
    cpu_seconds: list[float] = field(default_factory=list)


def extract(scorer: Scorer, items: Sequence[tuple[Question, str]]) -> Timed:
    """Features for every (question, answer), timing each answer."""
    timed = Timed(np.empty(0))
    rows: list[list[float]] = []
    for question, answer in items:
        started, cpu_started = time.perf_counter(), time.thread_time()
        rows.append(scorer.features(question, answer))
        timed.seconds.append(time.perf_counter() - started)
        timed.cpu_seconds.append(time.thread_time() - cpu_started)
    timed.features = np.asarray(rows, dtype=np.float64)
    return timed


@dataclass(frozen=True)
class Ridge:
    """Standardised linear regression with an L2 penalty, fitted in closed form."""

    mean: Matrix
    scale: Matrix
    weights: Matrix
    penalty: float

    @classmethod
    def fit(cls, features: Matrix, targets: Matrix, penalty: float) -> Ridge:
        mean = features.mean(axis=0)
        scale = features.std(axis=0) + 1e-9
        design = _with_intercept((features - mean) / scale)
        identity = np.eye(design.shape[1])
        identity[0, 0] = 0.0  # the intercept is not shrunk
        weights = np.linalg.solve(design.T @ design + penalty * identity, design.T @ targets)
        return cls(mean, scale, np.asarray(weights, dtype=np.float64), penalty)

    def predict(self, features: Matrix) -> Matrix:
        result: Matrix = _with_intercept((features - self.mean) / self.scale) @ self.weights
        return result


def _with_intercept(features: Matrix) -> Matrix:
    return np.column_stack([np.ones(len(features)), features])


PENALTIES = (0.01, 0.1, 1.0, 10.0, 100.0, 1000.0)


def choose_penalty(
    features: Matrix,
    targets: Matrix,
    groups: Sequence[str],
    loss: Callable[[Matrix, Matrix], float],
) -> tuple[float, Matrix]:
    """The penalty with the lowest ``loss`` in leave-one-group-out cross-validation, and the
    out-of-fold predictions it made (for choosing anything else without touching test data)."""
    labels = np.asarray(groups)
    best: tuple[float, float, Matrix] | None = None
    for penalty in PENALTIES:
        predicted = np.empty(len(targets))
        for group in np.unique(labels):
            held = labels == group
            model = Ridge.fit(features[~held], targets[~held], penalty)
            predicted[held] = model.predict(features[held])
        value = loss(predicted, targets)
        if best is None or value < best[0]:
            best = (value, penalty, predicted)
    assert best is not None
    return best[1], best[2]


def pearson(predicted: Matrix, actual: Matrix) -> float:
    return float(np.corrcoef(predicted, actual)[0, 1])


def rmse(predicted: Matrix, actual: Matrix) -> float:
    return float(np.sqrt(np.mean((predicted - actual) ** 2)))


def percentile_ms(seconds: Sequence[float], percent: float) -> float:
    return float(np.percentile(np.asarray(seconds), percent) * 1000)


class HostedScorer(EngineScorer):
    """The configured hosted model (``MOCKROOM_AI_*``) as users get it: fallback and score guard
    included. Counts what it cost and how often the built-in engine had to step in."""

    def __init__(self) -> None:
        ai_settings = AiSettings()
        if ai_settings.provider != "openai" or not ai_settings.base_url:
            raise SystemExit(
                "--provider openai needs MOCKROOM_AI_PROVIDER=openai, MOCKROOM_AI_BASE_URL, "
                "MOCKROOM_AI_MODEL and usually MOCKROOM_AI_API_KEY (see docs/llm-providers.md)"
            )
        super().__init__(build_engine(ai_settings))
        self.model = ai_settings.model
        self.calls = self.fallbacks = self.prompt_tokens = self.completion_tokens = 0
        self.cost_usd = 0.0

    def features(self, question: Question, answer: str) -> list[float]:
        with reporting("openai", self.model) as report:
            features = super().features(question, answer)
        self.calls += 1
        self.fallbacks += report.outcome == "fallback"
        self.prompt_tokens += report.prompt_tokens
        self.completion_tokens += report.completion_tokens
        self.cost_usd += report.cost_usd
        return features

    def summary(self) -> str:
        return (
            f"  hosted model {self.model}: {self.calls} calls, {self.fallbacks} served by the "
            f"built-in fallback, {self.prompt_tokens} prompt + {self.completion_tokens} "
            f"completion tokens, estimated cost ${self.cost_usd:.4f}"
        )

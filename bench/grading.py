"""Grading benchmark on the Mohler et al. (2011) short-answer data (run by ``make bench``).

Protocol (../shared/bench-data/mohler/README.md): assignments 1-6 are dev, the only data any
weight, penalty or mapping is tuned on; assignments 7-12 are test, reported and never tuned on.
The mapping from grader features to the 0-5 scale is a ridge regression fitted here, on dev,
every run (its penalty chosen by leave-one-assignment-out cross-validation within dev); no
constants fitted elsewhere are used. Reported: Pearson r and RMSE against ``score_avg`` on
dev, test and the whole set; latency per answer; answers per second; model load time.

``--provider`` picks the scorer: "builtin" (default) reads the built-in grader's features;
"openai" grades through the configured OpenAI-compatible endpoint (MOCKROOM_AI_* settings,
fallback and score guard included) and also prints tokens, cost and fallbacks. Any engine with
the Engine protocol's ``evaluate`` can be added to PROVIDERS as ``EngineScorer(engine)``.
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from models import (
    BuiltinScorer,
    HostedScorer,
    Mask,
    Matrix,
    Ridge,
    Scorer,
    benchmark_question,
    choose_penalty,
    extract,
    pearson,
    percentile_ms,
    rmse,
)

REPOSITORY = Path(__file__).resolve().parent.parent
DEFAULT_DATA = REPOSITORY.parent / "shared" / "bench-data"
DEV_ASSIGNMENTS = range(1, 7)

PROVIDERS: dict[str, Callable[[], Scorer]] = {"builtin": BuiltinScorer, "openai": HostedScorer}


@dataclass(frozen=True)
class Row:
    question: str
    reference: str
    answer: str
    score: float
    assignment: int


def load_mohler(data: Path) -> list[Row]:
    path = data / "mohler" / "mohler_clean.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        return [
            Row(
                question=record["question"],
                reference=record["desired_answer"],
                answer=record["student_answer"],
                score=float(record["score_avg"]),
                assignment=int(record["assignment"]),
            )
            for record in csv.DictReader(handle)
        ]


def _fit_and_report(
    label: str, features: Matrix, rows: list[Row], dev: Mask
) -> tuple[float, float]:
    """Fit on dev only, then print r and RMSE for dev, test and all; returns test r, RMSE."""
    targets = np.array([row.score for row in rows])
    groups = [str(row.assignment) for row in rows if row.assignment in DEV_ASSIGNMENTS]

    def clipped_rmse(predicted: Matrix, actual: Matrix) -> float:
        return rmse(np.clip(predicted, 0, 5), actual)

    penalty, _ = choose_penalty(features[dev], targets[dev], groups, clipped_rmse)
    model = Ridge.fit(features[dev], targets[dev], penalty)
    predicted = np.clip(model.predict(features), 0, 5)
    print(f"\n{label} (ridge penalty {penalty:g}, chosen on dev)")
    print(f"  {'split':<6} {'answers':>7} {'pearson r':>10} {'rmse':>7}")
    test = ~dev
    for name, mask in (("dev", dev), ("test", test), ("all", np.ones(len(rows), dtype=bool))):
        print(
            f"  {name:<6} {int(mask.sum()):>7} {pearson(predicted[mask], targets[mask]):>10.3f} "
            f"{rmse(predicted[mask], targets[mask]):>7.3f}"
        )
    return pearson(predicted[test], targets[test]), rmse(predicted[test], targets[test])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="bench-data folder")
    parser.add_argument("--provider", choices=sorted(PROVIDERS), default="builtin")
    parser.add_argument(
        "--semeval",
        action="store_true",
        help="then run the SemEval-2013 2-way check (bench/semeval.py; about 3 minutes on 2 cores)",
    )
    arguments = parser.parse_args(argv)

    rows = load_mohler(arguments.data)
    scorer = PROVIDERS[arguments.provider]()
    load_seconds = scorer.load()
    items = [(benchmark_question(row.question, row.reference), row.answer) for row in rows]
    timed = extract(scorer, items)
    dev = np.array([row.assignment in DEV_ASSIGNMENTS for row in rows])

    print(f"Mohler ShortAnswerGrading v2.0: {len(rows)} answers, provider {arguments.provider}")
    print(f"dev = assignments 1-6 ({int(dev.sum())} answers), test = 7-12 ({int((~dev).sum())})")
    test_r, test_rmse = _fit_and_report("grader features -> 0-5", timed.features, rows, dev)
    overall = timed.features[:, [scorer.names.index("overall")]]
    _fit_and_report("overall score alone -> 0-5 (linear)", overall, rows, dev)

    total = sum(timed.seconds)
    print(
        "\nspeed (one thread; reference material cached after its first use; "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)"
    )
    print(f"  model load {load_seconds * 1000:.0f} ms (includes the sha256 check)")
    print(
        f"  latency per answer p50 {percentile_ms(timed.seconds, 50):.1f} ms, "
        f"p95 {percentile_ms(timed.seconds, 95):.1f} ms"
    )
    print(
        f"  CPU time per answer p50 {percentile_ms(timed.cpu_seconds, 50):.1f} ms, "
        f"p95 {percentile_ms(timed.cpu_seconds, 95):.1f} ms"
    )
    print(f"  throughput {len(rows) / total:.1f} answers/s")
    if isinstance(scorer, HostedScorer):
        print(scorer.summary())
    targets_met = test_r >= 0.60 and test_rmse <= 0.90
    print(f"\ntest targets (r >= 0.60, RMSE <= 0.90): {'met' if targets_met else 'NOT met'}")
    if arguments.semeval:
        import semeval

        print()
        return semeval.main(["--data", str(arguments.data), "--provider", arguments.provider])
    return 0


if __name__ == "__main__":
    sys.exit(main())

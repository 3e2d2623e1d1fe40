"""Out-of-domain check of the grader on SemEval-2013 Task 7 (school science), 2-way labels.

Protocol (../shared/bench-data/semeval2013-task7/README.md): tune only on the train splits;
report accuracy and macro-F1 on test-unseen-questions and test-unseen-domains. For each corpus
a ridge model maps the grader's features to correct (1) / not (0), fitted on that corpus's
train split; its penalty is chosen by leave-one-question-out-style cross-validation within
train (10 folds of whole questions), and the decision threshold is the one that maximises
macro-F1 on the out-of-fold train predictions. Nothing is fitted on test data.

Where a question has several reference answers, each answer is graded against the reference
whose sentence vector is closest to it.
"""

from __future__ import annotations

import argparse
import sys
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

import numpy as np

from grading import DEFAULT_DATA, PROVIDERS
from models import (
    BuiltinScorer,
    Matrix,
    Ridge,
    Scorer,
    benchmark_question,
    choose_penalty,
    extract,
)

ARCHIVE = Path("semeval2013-task7") / "semeval-3way.zip"
TESTS = {
    "beetle": ("test-unseen-questions",),
    "sciEntsBank": ("test-unseen-questions", "test-unseen-domains"),
}
FOLDS = 10


@dataclass(frozen=True)
class Item:
    question_id: str
    question: str
    references: tuple[str, ...]
    answer: str
    correct: bool


def load_split(archive: zipfile.ZipFile, folder: str) -> list[Item]:
    items = []
    for name in sorted(archive.namelist()):
        if not (name.startswith(folder + "/") and name.endswith(".xml")):
            continue
        root = ElementTree.fromstring(archive.read(name))  # noqa: S314 - the organisers' files
        question = (root.findtext("questionText") or "").strip()
        references = tuple((element.text or "").strip() for element in root.iter("referenceAnswer"))
        for element in root.iter("studentAnswer"):
            items.append(
                Item(
                    question_id=root.get("id", name),
                    question=question,
                    references=references,
                    answer=(element.text or "").strip(),
                    correct=element.get("accuracy") == "correct",
                )
            )
    return items


def _closest_reference(scorer: Scorer, item: Item) -> str:
    if len(item.references) == 1 or not isinstance(scorer, BuiltinScorer):
        return item.references[0]
    embedder = scorer.embedder
    answer = embedder.encode([item.answer])[0]
    references = embedder.encode(list(item.references), remember=True)
    return item.references[int(np.argmax(references @ answer))]


def features(scorer: Scorer, items: list[Item]) -> Matrix:
    pairs = [
        (benchmark_question(item.question, _closest_reference(scorer, item)), item.answer)
        for item in items
    ]
    return extract(scorer, pairs).features


def accuracy_and_macro_f1(predicted: Matrix, actual: Matrix) -> tuple[float, float]:
    scores = []
    for label in (True, False):
        true_positive = float(np.sum((predicted == label) & (actual == label)))
        precision = true_positive / max(float(np.sum(predicted == label)), 1.0)
        recall = true_positive / max(float(np.sum(actual == label)), 1.0)
        scores.append(2 * precision * recall / max(precision + recall, 1e-12))
    return float(np.mean(predicted == actual)), float(np.mean(scores))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="bench-data folder")
    parser.add_argument("--provider", choices=sorted(PROVIDERS), default="builtin")
    arguments = parser.parse_args(argv)
    scorer = PROVIDERS[arguments.provider]()
    scorer.load()

    print("SemEval-2013 Task 7, 2-way (correct vs. not), fitted on each corpus's train split")
    print(f"  {'corpus':<12} {'test split':<22} {'answers':>7} {'accuracy':>9} {'macro-F1':>9}")
    with zipfile.ZipFile(arguments.data / ARCHIVE) as archive:
        for corpus, tests in TESTS.items():
            train = load_split(archive, f"training/2way/{corpus}")
            train_features = features(scorer, train)
            labels = np.array([item.correct for item in train], dtype=float)
            folds = [str(zlib.crc32(item.question_id.encode()) % FOLDS) for item in train]

            def error(predicted: Matrix, actual: Matrix) -> float:
                return float(np.mean((predicted - actual) ** 2))

            penalty, out_of_fold = choose_penalty(train_features, labels, folds, error)
            threshold = max(
                np.unique(np.round(out_of_fold, 3)),
                key=lambda value: accuracy_and_macro_f1(out_of_fold >= value, labels == 1)[1],
            )
            model = Ridge.fit(train_features, labels, penalty)
            for split in tests:
                test = load_split(archive, f"test/2way/{corpus}/{split}")
                predicted = model.predict(features(scorer, test)) >= threshold
                actual = np.array([item.correct for item in test])
                accuracy, macro_f1 = accuracy_and_macro_f1(predicted, actual)
                print(
                    f"  {corpus:<12} {split:<22} {len(test):>7} {accuracy:>9.3f} {macro_f1:>9.3f}"
                )
    return 0


if __name__ == "__main__":
    sys.exit(main())

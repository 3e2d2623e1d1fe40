"""The curated question bank: schema, size, difficulty spread and no near-duplicate prompts."""

from __future__ import annotations

from collections import Counter, defaultdict
from importlib import resources
from importlib.resources.abc import Traversable

import numpy as np
import pytest
import yaml

from mockroom.ai.providers.builtin.embeddings import shared_embedder
from mockroom.questions.bank import BankFile, load_bank

BANK_FOLDER = resources.files("mockroom.questions") / "bank"
BANK_PATHS = sorted(
    (item for item in BANK_FOLDER.iterdir() if item.name.endswith(".yaml")),
    key=lambda item: item.name,
)

# Cosine similarity of MiniLM prompt embeddings above which two prompts ask the same thing.
# Measured on this bank: prompts that are one question reworded ("Tell me about a time you
# received critical feedback..." twice) score 0.87-0.91, while the closest genuinely different
# pairs (arrays vs. linked lists in general and ArrayList vs. LinkedList in Java; goroutines
# vs. Go's scheduler) stay at or below 0.82. 0.85 sits in that gap.
NEAR_DUPLICATE_ABOVE = 0.85


@pytest.mark.parametrize("path", BANK_PATHS, ids=lambda path: path.name)
def test_every_bank_file_validates(path: Traversable) -> None:
    text = path.read_text("utf-8")
    bank_file = BankFile.model_validate(yaml.safe_load(text))
    assert bank_file.questions


def test_the_bank_loads_with_unique_slugs() -> None:
    bank = load_bank()
    slugs = [question.slug for question in bank]
    assert len(slugs) == len(set(slugs))


def test_the_bank_is_big_enough() -> None:
    bank = load_bank()
    by_type = Counter(question.question_type for question in bank)
    technical_areas = {q.area for q in bank if q.question_type == "technical"}
    assert len(bank) >= 400, f"{len(bank)} questions"
    assert len(technical_areas) >= 14, sorted(technical_areas)
    assert by_type["behavioral"] >= 60, by_type
    assert by_type["system_design"] >= 40, by_type


def test_every_area_has_every_difficulty() -> None:
    difficulties: defaultdict[str, set[str]] = defaultdict(set)
    for question in load_bank():
        difficulties[question.area].add(question.difficulty)
    lacking = {area: sorted(found) for area, found in difficulties.items() if len(found) < 3}
    assert not lacking, f"areas without easy, medium and hard: {lacking}"


def test_no_two_prompts_are_near_duplicates() -> None:
    bank = load_bank()
    vectors = shared_embedder().encode([question.prompt for question in bank])
    similarity = vectors @ vectors.T
    first, second = np.triu_indices(len(bank), k=1)
    close = similarity[first, second] > NEAR_DUPLICATE_ABOVE
    pairs = [
        f"{similarity[i, j]:.3f} {bank[i].slug} ~ {bank[j].slug}"
        for i, j in zip(first[close], second[close], strict=True)
    ]
    assert not pairs, "near-duplicate prompts:\n" + "\n".join(sorted(pairs, reverse=True))

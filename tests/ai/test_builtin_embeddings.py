"""The built-in engine's embedder: a verified model, normalised vectors, safe across threads."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

from mockroom.ai.providers.builtin.embeddings import (
    MODEL_SHA256,
    Embedder,
    ModelIntegrityError,
    default_model_path,
    shared_embedder,
)


def test_a_model_file_with_another_hash_is_refused() -> None:
    embedder = Embedder(expected_sha256="0" * 64)
    with pytest.raises(ModelIntegrityError, match=MODEL_SHA256):
        embedder.encode(["hello"])


def test_another_file_at_the_model_path_is_refused(tmp_path: Path) -> None:
    assert default_model_path().name == "model.onnx"
    fake = tmp_path / "model.onnx"
    fake.write_bytes(b"not a model")
    with pytest.raises(ModelIntegrityError, match="reinstall"):
        Embedder(model_path=fake).load()


def test_vectors_are_unit_length_and_meaningful() -> None:
    vectors = shared_embedder().encode(
        [
            "A hash map gives constant-time lookups on average.",
            "Dictionary lookups take O(1) time on average.",
            "My favourite dish is spaghetti carbonara.",
        ]
    )
    assert vectors.shape == (3, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2] + 0.3


def test_remembered_vectors_match_fresh_ones() -> None:
    embedder = shared_embedder()
    text = "Tuples are immutable; lists are not."
    first = embedder.encode([text], remember=True)
    again = embedder.encode([text], remember=True)
    fresh = embedder.encode([text])
    assert np.array_equal(first, again)
    assert np.allclose(first, fresh)


def test_token_vectors_come_with_the_sentence_vector() -> None:
    embedder = shared_embedder()
    text = "Enqueue adds to the back of the queue."
    tokens = embedder.encode_tokens(text)
    assert tokens.tokens[0] == "en" and "[CLS]" not in tokens.tokens
    assert tokens.vectors.shape == (len(tokens.tokens), 384)
    assert np.allclose(tokens.sentence, embedder.encode([text])[0])


def test_concurrent_first_use_from_many_threads_agrees() -> None:
    embedder = Embedder()
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda _: embedder.encode(["same text"]), range(8)))
    assert all(np.allclose(result, results[0]) for result in results)

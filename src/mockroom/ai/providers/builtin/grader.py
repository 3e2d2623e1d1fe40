"""Measures an answer against its question: similarity, key-point coverage, misconceptions.

``Grader.analyse`` turns (question, answer) into an ``Analysis`` of plain numbers and matches;
``scoring`` maps that onto the 0-100 criteria and ``feedback`` onto words. The benchmark
(bench/models.py) reads the same ``Analysis``, so what it measures is what the product uses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import numpy.typing as npt

from mockroom.ai.providers.builtin import gate
from mockroom.ai.providers.builtin.embeddings import Embedder, TokenVectors, Vectors
from mockroom.ai.providers.builtin.signals import (
    Communication,
    communication,
    quantity_sentence,
    speaks_for_self,
)
from mockroom.ai.providers.builtin.text import (
    STOPWORDS,
    content_stems,
    normalise,
    segments,
    split_sentences,
    stem_set,
    word_vocabulary,
    words,
)
from mockroom.ai.schemas import Question

# When a key point counts as covered: its best-matching clause of the answer must reach the
# point's bar. MiniLM paraphrases of one claim sit around 0.6-0.9, same-topic different claims
# 0.3-0.5, hence COVERED_AT. Two corrections per point:
# - topic: any sentence about lists and tuples is ~0.6 from "Lists are mutable, tuples are
#   not", however wrong it is. The prompt shows how close mere topic gets, so the bar is at
#   least TOPIC_MARGIN above the point's similarity to the prompt, and partial credit starts
#   only above that topic level (and above PARTIAL_FROM of the bar).
# - reach: abstract key points ("Quantifies the effect") match even the reference answer's
#   own sentences only weakly, so the bar never exceeds REFERENCE_SHARE of the reference's
#   best match, nor drops below LOWEST_BAR.
COVERED_AT = 0.55
TOPIC_MARGIN = 0.1
REFERENCE_SHARE = 0.9
LOWEST_BAR = 0.3
PARTIAL_FROM = 0.6
ONE_POINT_MARGIN = 0.1
SEGMENT_ABOVE_WORDS = 25
# A clause asserts a misconception when it is this close to the claim and clearly closer to the
# claim than to anything true: the correction, the key points and every clause of the
# reference answer. Comparing with the reference matters because a correct sentence on the
# same topic is often as close to the claim as a false one (embeddings barely see "not");
# it also means the reference answer can never be flagged.
MISCONCEPTION_AT = 0.65
MISCONCEPTION_MARGIN = 0.05
# Key points about the form of an answer ("Quantifies the effect") that no sentence paraphrases;
# they are covered when the answer has that form.
_ASKS_FOR_NUMBERS = re.compile(r"\b(quantif\w*|measurable|metrics?|numbers?)\b", re.IGNORECASE)
_NEGATION = re.compile(r"\b(not|no|never|cannot|without|neither|nor)\b|n't\b", re.IGNORECASE)


@dataclass(frozen=True)
class KeyPointMatch:
    key_point: str
    similarity: float
    segment: str
    bar: float
    # Where partial credit starts.
    floor: float

    @property
    def covered(self) -> bool:
        return self.similarity >= self.bar

    @property
    def credit(self) -> float:
        return ramp(self.similarity, self.floor, self.bar + 0.05)


@dataclass(frozen=True)
class MisconceptionHit:
    claim: str
    correction: str
    segment: str
    similarity: float


@dataclass(frozen=True)
class Analysis:
    question: Question
    answer: str
    reference_similarity: float
    prompt_similarity: float
    # How close the reference answer itself is to the prompt: the most an answer can expect.
    reference_prompt_similarity: float
    key_points: list[KeyPointMatch]
    # Mean best match of each answer sentence to the reference material: low when the answer
    # pads itself with things the question did not ask about.
    precision: float
    # Mean best match of each reference sentence to the answer: how much of the model answer
    # the candidate reproduced, in any order or wording.
    recall: float
    # Share of the reference's content words (those not already in the prompt) the answer uses.
    lexical_recall: float
    # Word-piece alignment with the reference answer (see ``_token_alignment``).
    token_recall: float
    token_precision: float
    misconceptions: list[MisconceptionHit]
    communication: Communication
    gate: gate.GateResult | None

    @property
    def coverage(self) -> float:
        return float(np.mean([match.credit for match in self.key_points]))

    @property
    def covered(self) -> list[str]:
        return [match.key_point for match in self.key_points if match.covered]

    @property
    def missed(self) -> list[str]:
        return [match.key_point for match in self.key_points if not match.covered]


def ramp(value: float, low: float, high: float) -> float:
    """0 at or below ``low``, 1 at or above ``high``, linear between."""
    return float(min(1.0, max(0.0, (value - low) / (high - low))))


def _negated(text: str) -> bool:
    return len(_NEGATION.findall(text)) % 2 == 1


class Grader:
    def __init__(self, embedder: Embedder) -> None:
        self.embedder = embedder

    def analyse(self, question: Question, answer: str) -> Analysis:
        answer = answer.strip()
        whole_text = normalise(answer) or " "
        # A short answer is one unit of meaning: its whole vector already matches each of its
        # points, and splitting it would only add model runs.
        long = len(words(answer)) > SEGMENT_ABOVE_WORDS
        answer_segments = (segments(answer) if long else []) or [whole_text]
        answer_sentences = (split_sentences(answer) if long else []) or [whole_text]
        reference_segments = list(_reference_segments(question.reference_answer))
        claims = [item.claim for item in question.misconceptions]
        corrections = [item.correction for item in question.misconceptions]

        fixed = [
            question.prompt,
            *question.key_points,
            *reference_segments,
            *claims,
            *corrections,
            *gate.INSTRUCTION_PROTOTYPES,
        ]
        fixed_vectors = self.embedder.encode(fixed, remember=True)
        reference_tokens = self.embedder.encode_tokens(question.reference_answer, remember=True)
        prompt_tokens = self.embedder.encode_tokens(question.prompt, remember=True)
        answer_tokens = self.embedder.encode_tokens(whole_text)
        # The whole answer's vector comes with its tokens; a one-sentence answer's only
        # segment is the same text and is not run again.
        vectors = {whole_text: answer_tokens.sentence}
        unseen = [
            text
            for text in dict.fromkeys(answer_segments + answer_sentences)
            if text not in vectors
        ]
        vectors.update(zip(unseen, self.embedder.encode(unseen), strict=True))
        pieces = np.vstack([vectors[text] for text in answer_segments])
        sentence_vectors = np.vstack([vectors[text] for text in answer_sentences])

        prompt_vector, cursor = fixed_vectors[0], 1
        key_vectors, cursor = _take(fixed_vectors, cursor, len(question.key_points))
        reference_vectors, cursor = _take(fixed_vectors, cursor, len(reference_segments))
        claim_vectors, cursor = _take(fixed_vectors, cursor, len(claims))
        correction_vectors, cursor = _take(fixed_vectors, cursor, len(corrections))
        prototype_vectors = fixed_vectors[cursor:]
        reference_vector = reference_tokens.sentence
        whole = answer_tokens.sentence
        prompt_similarity = float(whole @ prompt_vector)
        reference_similarity = float(whole @ reference_vector)

        misconceptions = _misconceptions(
            question,
            answer_segments,
            pieces,
            claim_vectors,
            correction_vectors,
            np.vstack([reference_vectors, key_vectors]),
        )
        # Key points are matched against the clauses of a long answer (its whole vector is a
        # blur of all of them) and the whole of a short one, which is its one clause. A clause
        # that asserts a misconception covers no key point, however similar it is.
        false = {hit.segment for hit in misconceptions}
        trusted = np.array([text not in false for text in answer_segments])
        key_points = self._key_points(
            question,
            key_vectors,
            prompt_vector,
            np.vstack([reference_vector, reference_vectors]),
            pieces[trusted] if trusted.any() else np.zeros_like(pieces[:1]),
            [text for text, keep in zip(answer_segments, trusted, strict=True) if keep] or [""],
            answer_sentences,
        )
        material = np.vstack([reference_vectors, key_vectors, prompt_vector, reference_vector])
        precision = float((sentence_vectors @ material.T).max(axis=1).mean())
        recall = float((reference_vectors @ pieces.T).max(axis=1).mean())
        token_recall, token_precision = _token_alignment(
            reference_tokens, answer_tokens, set(prompt_tokens.tokens)
        )

        stats = communication(answer)
        question_text = " ".join([question.prompt, question.reference_answer, *question.key_points])
        verdict = gate.check(
            gate.GateInputs(
                answer=answer,
                prompt=question.prompt,
                communication=stats,
                reference=communication(question.reference_answer),
                relevance=max(
                    prompt_similarity, reference_similarity, *(m.similarity for m in key_points)
                ),
                coverage=float(np.mean([match.credit for match in key_points])),
                speaks_for_self=speaks_for_self(answer)
                if question.question_type == "behavioral"
                else None,
                prompt_similarity=prompt_similarity,
                reference_similarity=reference_similarity,
                plausible_word_share=gate.plausible_word_share(
                    answer, self.embedder.pieces, word_vocabulary(question_text)
                ),
                instruction_similarity=float((pieces @ prototype_vectors.T).max()),
                expected=stem_set(question_text),
            )
        )
        return Analysis(
            question=question,
            answer=answer,
            reference_similarity=reference_similarity,
            prompt_similarity=prompt_similarity,
            reference_prompt_similarity=float(prompt_vector @ reference_vector),
            key_points=key_points,
            precision=precision,
            recall=recall,
            lexical_recall=_lexical_recall(question, answer),
            token_recall=token_recall,
            token_precision=token_precision,
            misconceptions=misconceptions,
            communication=stats,
            gate=verdict,
        )

    @staticmethod
    def _key_points(
        question: Question,
        key_vectors: Vectors,
        prompt_vector: Vectors,
        reference_vectors: Vectors,
        answer_vectors: Vectors,
        answer_texts: list[str],
        answer_sentences: list[str],
    ) -> list[KeyPointMatch]:
        similarity = key_vectors @ answer_vectors.T
        if similarity.shape[1] > 1:
            # One clause, one point: a clause counts only towards the key points it matches
            # nearly as well as its best one, so "tuples are immutable" cannot also pass for
            # "tuple immutability is shallow".
            similarity = np.where(
                similarity >= similarity.max(axis=0) - ONE_POINT_MARGIN, similarity, -1.0
            )
        reference_best = (key_vectors @ reference_vectors.T).max(axis=1)
        topic = key_vectors @ prompt_vector
        quantity = quantity_sentence(answer_sentences)
        matches = []
        for index, (point, row) in enumerate(zip(question.key_points, similarity, strict=True)):
            reach = REFERENCE_SHARE * float(reference_best[index])
            bar = max(LOWEST_BAR, min(reach, max(COVERED_AT, float(topic[index]) + TOPIC_MARGIN)))
            floor = min(max(PARTIAL_FROM * bar, float(topic[index])), bar - 0.1)
            match = KeyPointMatch(
                key_point=point,
                similarity=float(row.max()),
                segment=answer_texts[int(row.argmax())],
                bar=bar,
                floor=floor,
            )
            if quantity and _ASKS_FOR_NUMBERS.search(point) and not match.covered:
                match = KeyPointMatch(point, bar, quantity, bar, floor)
            matches.append(match)
        return matches


def _is_content_token(token: str, excluded: set[str]) -> bool:
    return token.lstrip("#").isalnum() and token not in STOPWORDS and token not in excluded


def _token_alignment(
    reference: TokenVectors, answer: TokenVectors, prompt_tokens: set[str]
) -> tuple[float, float]:
    """Recall and precision of the reference's content word pieces among the answer's, each
    piece matched to its most similar contextual counterpart (as in BERTScore). Pieces that
    the prompt already contains are left out: repeating the question proves nothing."""
    if not answer.tokens or not reference.tokens:
        return 0.0, 0.0
    similarity = reference.vectors @ answer.vectors.T
    wanted = _mask(reference.tokens, prompt_tokens)
    offered = _mask(answer.tokens, prompt_tokens)
    recall = float(similarity[wanted].max(axis=1).mean())
    precision = float(similarity[:, offered].max(axis=0).mean())
    return recall, precision


def _mask(tokens: list[str], prompt_tokens: set[str]) -> npt.NDArray[np.bool_]:
    """Content pieces not in the prompt; failing that, content pieces; failing that, all."""
    for excluded in (prompt_tokens, set()):
        mask = np.array([_is_content_token(token, excluded) for token in tokens])
        if mask.any():
            return mask
    return np.ones(len(tokens), dtype=bool)


@lru_cache(maxsize=1024)
def _reference_segments(reference: str) -> tuple[str, ...]:
    return tuple(segments(reference, limit=32))


def _take(vectors: Vectors, start: int, count: int) -> tuple[Vectors, int]:
    return vectors[start : start + count], start + count


def _lexical_recall(question: Question, answer: str) -> float:
    wanted = stem_set(question.reference_answer) - stem_set(question.prompt)
    if not wanted:
        return 0.0
    return len(wanted & set(content_stems(answer))) / len(wanted)


def _misconceptions(
    question: Question,
    answer_segments: list[str],
    segment_vectors: Vectors,
    claim_vectors: Vectors,
    correction_vectors: Vectors,
    truth_vectors: Vectors,
) -> list[MisconceptionHit]:
    if not len(segment_vectors) or not len(claim_vectors):
        return []
    claim_similarity = segment_vectors @ claim_vectors.T
    correction_similarity = segment_vectors @ correction_vectors.T
    truth_similarity = (segment_vectors @ truth_vectors.T).max(axis=1)
    hits = []
    for index, item in enumerate(question.misconceptions):
        best: MisconceptionHit | None = None
        for position, segment in enumerate(answer_segments):
            similarity = float(claim_similarity[position, index])
            rival = max(
                float(correction_similarity[position, index]), float(truth_similarity[position])
            )
            asserts = (
                similarity >= MISCONCEPTION_AT
                and similarity - rival >= MISCONCEPTION_MARGIN
                and _negated(segment) == _negated(item.claim)
            )
            if asserts and (best is None or similarity > best.similarity):
                best = MisconceptionHit(item.claim, item.correction, segment, similarity)
        if best is not None:
            hits.append(best)
    return hits

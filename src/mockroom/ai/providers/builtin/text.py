"""Plain-text helpers shared by the grader: sentences, clauses, words and word stems."""

from __future__ import annotations

import re
from functools import lru_cache

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"'(\[]?[A-Z0-9])|\n+|(?<=[.!?;])\s*(?=[-*•]\s)")
_BULLET = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s+")
# Clause boundaries: a semicolon or colon, or a comma/dash before a conjunction that usually
# starts a new claim. Splitting here lets one key point match one clause of a long sentence.
_CLAUSE_BREAK = re.compile(
    r"\s*[;:]\s+|\s*(?:,|\s-|—)\s*(?=(?:and|but|so|while|whereas|because|which|then|"
    r"although|though|however|since|otherwise)\b)",
    re.IGNORECASE,
)
_WORD = re.compile(r"[a-z0-9]+(?:['+#][a-z0-9+#]*)*", re.IGNORECASE)

# Function words. Written for this project: common English determiners, pronouns, auxiliaries,
# prepositions and conjunctions. Used to tell prose from keyword lists and to find the words
# that carry content.


def word_set(text: str) -> frozenset[str]:
    """The whitespace-separated words of ``text``: a readable way to write a word list."""
    return frozenset(text.split())


STOPWORDS = word_set(
    """
    a an the this that these those there here it its it's they them their theirs we us our you
    your he him his she her i me my mine one ones some any each every all both either neither
    no not nor none is am are was were be been being do does did doing done have has had having
    will would shall should can could may might must of to in on at by for from with without
    into onto over under about above below between through during before after up down out off
    again further then once and or but so if than too very just also only as because while
    whereas although though since until unless when where which who whom whose what why how
    such own same other another more most less least few many much lot lots get gets got
    make makes made like well yes ok okay s t d ll m re ve
    """
)

_SUFFIXES = (
    "ational",
    "ization",
    "fulness",
    "iveness",
    "ations",
    "ation",
    "ments",
    "ment",
    "ness",
    "ings",
    "ing",
    "ies",
    "ied",
    "ers",
    "er",
    "ed",
    "es",
    "ly",
    "s",
)


def normalise(text: str) -> str:
    return " ".join(text.split())


def split_sentences(text: str) -> list[str]:
    """Sentences and bullet items, stripped, empty ones dropped."""
    parts = []
    for piece in _SENTENCE_END.split(text):
        piece = _BULLET.sub("", piece).strip()
        if piece:
            parts.append(normalise(piece))
    return parts


def split_clauses(sentence: str) -> list[str]:
    clauses = [normalise(part) for part in _CLAUSE_BREAK.split(sentence)]
    return [clause for clause in clauses if len(words(clause)) >= 3]


def segments(text: str, *, limit: int = 48) -> list[str]:
    """Sentences and, where a sentence has several, its clauses.

    Capped at ``limit`` so a very long answer cannot make grading slow.
    """
    sentences = split_sentences(text)
    found: dict[str, None] = {}
    for sentence in sentences:
        found[sentence] = None
        clauses = split_clauses(sentence)
        if len(clauses) > 1:
            for clause in clauses:
                found[clause] = None
    return list(found)[:limit]


def words(text: str) -> list[str]:
    return [match.group(0).lower() for match in _WORD.finditer(text)]


def stem(word: str) -> str:
    """A crude suffix-stripping stem: enough to match "caching" with "cache" and "indexes"."""
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)].rstrip("e")
    return word.rstrip("e") if len(word) > 3 else word


def content_stems(text: str) -> list[str]:
    return [stem(word) for word in words(text) if word not in STOPWORDS]


@lru_cache(maxsize=4096)
def stem_set(text: str) -> frozenset[str]:
    """The distinct content stems of ``text``; cached, as question texts recur on every answer."""
    return frozenset(content_stems(text))


@lru_cache(maxsize=4096)
def word_vocabulary(text: str) -> frozenset[str]:
    """The distinct words of ``text``; cached like ``stem_set``."""
    return frozenset(words(text))

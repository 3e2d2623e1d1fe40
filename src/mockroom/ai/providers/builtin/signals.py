"""Surface signals of an answer: communication habits, STAR structure, system-design coverage.

Each check is a small, readable rule. They are deliberately lexical: they look for what a
human interviewer listens for (a result with a number, "I" rather than "we", a mention of
sharding or a trade-off), which embeddings of whole sentences do not isolate.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from mockroom.ai.providers.builtin.text import STOPWORDS, split_sentences, words

FILLERS = (
    "um",
    "uh",
    "erm",
    "basically",
    "literally",
    "you know",
    "kind of",
    "sort of",
    "i mean",
    "like i said",
    "stuff",
    "things like that",
    "whatever",
)
HEDGES = (
    "i think",
    "i guess",
    "maybe",
    "probably",
    "perhaps",
    "i'm not sure",
    "not sure",
    "i believe",
    "might be",
    "could be",
    "i suppose",
    "kind of",
    "sort of",
)
REASONING = (
    "because",
    "so that",
    "therefore",
    "which means",
    "this means",
    "as a result",
    "trade-off",
    "tradeoff",
    "for example",
    "e.g",
    "for instance",
    "instead",
    "however",
    "depends",
    "unless",
    "otherwise",
    "the cost",
    "the downside",
    "edge case",
    "worst case",
    "complexity",
    "o(",
    "compared",
    "rather than",
    "whereas",
    "in contrast",
    "if ",
    "when ",
)
STRUCTURE = (
    "first",
    "second",
    "third",
    "finally",
    "then",
    "next",
    "on the other hand",
    "in short",
    "in summary",
    "to summarise",
    "to summarize",
    "overall",
)


def _count_phrases(text: str, phrases: tuple[str, ...]) -> int:
    lowered = f" {' '.join(words(text))} "
    raw = text.lower()
    total = 0
    for phrase in phrases:
        if phrase.isalpha() or " " in phrase:
            total += lowered.count(f" {phrase} ")
        else:
            total += raw.count(phrase)
    return total


@dataclass(frozen=True)
class Communication:
    word_count: int
    sentence_count: int
    filler_rate: float
    hedge_rate: float
    reasoning_markers: int
    structure_markers: int
    longest_sentence: int
    duplicate_sentence_share: float
    distinct_trigram_share: float
    function_word_share: float


# Cached: one evaluation reads the answer's and the reference's statistics several times, and
# reference answers come back with every answer to their question.
@lru_cache(maxsize=4096)
def communication(text: str) -> Communication:
    tokens = words(text)
    sentences = split_sentences(text)
    count = max(len(tokens), 1)
    normalised = [" ".join(words(sentence)) for sentence in sentences]
    duplicates = len(normalised) - len(set(normalised))
    trigrams = [tuple(tokens[index : index + 3]) for index in range(len(tokens) - 2)]
    return Communication(
        word_count=len(tokens),
        sentence_count=len(sentences),
        filler_rate=_count_phrases(text, FILLERS) / count,
        hedge_rate=_count_phrases(text, HEDGES) / count,
        reasoning_markers=_count_phrases(text, REASONING),
        structure_markers=_count_phrases(text, STRUCTURE) + text.count("\n-") + text.count("\n*"),
        longest_sentence=max((len(words(sentence)) for sentence in sentences), default=0),
        duplicate_sentence_share=duplicates / max(len(sentences), 1),
        distinct_trigram_share=len(set(trigrams)) / len(trigrams) if trigrams else 1.0,
        function_word_share=sum(token in STOPWORDS for token in tokens) / count,
    )


_ORGANISATION = (
    r"(company|team|startup|project|job|role|product|platform|group|firm|agency|bank|"
    r"organisation|organization|service|app|client|customer|fintech|retailer)"
)
_STAR_CUES: dict[str, re.Pattern[str]] = {
    "situation": re.compile(
        r"\b(when i (was|joined|started)|(at|on|in|for) (a|an|my|our|the)\b[\w\s,-]{0,40}?"
        rf"\b{_ORGANISATION}|in my (last|previous|current|first|second)|"
        r"(last|this past|previous) (year|quarter|month|role|job|team)|we were|"
        rf"our \w*\s?{_ORGANISATION}|i was (a|an|the|on|working|leading|building)\b|"
        r"as (a|an|the) [\w\s-]{0,30}(engineer|lead|developer|manager)|"
        r"there was|back in|while (working|i was|debugging|building)|years? (ago|into)|"
        r"halfway through|midway through|two weeks before)\b",
        re.IGNORECASE,
    ),
    "task": re.compile(
        r"\b((my|our) (goal|task|job|role|responsibility|objective|aim|mandate|brief) (was|is)|"
        r"the (goal|task|challenge|problem|aim|ask|deadline|objective|brief) was|"
        r"i was (asked|responsible|tasked|assigned|expected|in charge|the only|on call|"
        r"the (tech|technical|engineering) lead|the developer|leading)|"
        r"asked (me|us|my team) to|(i|we) (had|needed|wanted|decided|committed|agreed|"
        r"set out|promised|chose|was asked) to|i (picked|took) (it|this|that) up|"
        r"deadline|hard date|fixed date|i owned|i set myself)\b",
        re.IGNORECASE,
    ),
    "action": re.compile(
        r"\bi (\w+ed|built|wrote|led|ran|set up|made|took|spoke|met|went|began|chose|drove|"
        r"brought|sat down|broke|found|got|held|gave|sought|did|put|dug|thought|told|"
        r"paired|rewrote|shipped|split|cut|sent|kept|read|drew|knew|spent|set)\b",
        re.IGNORECASE,
    ),
    "result": re.compile(
        r"\b(as a result|in the end|eventually|the result|resulted|the outcome|"
        r"ended up|we (shipped|launched|delivered|reduced|cut|saved|improved|increased|"
        r"hit|met|reached|finished|made)|which (reduced|cut|saved|improved|increased|led)|"
        r"(reduced|cut|saved|improved|increased|dropped|grew|fell|rose|went|came) (by|from|to)|"
        r"within (a|an|two|three|four|five|six|\d+)|by the end|i learned|lesson|since then|"
        r"afterwards|now we|today|the next (quarter|release|year|month|sprint))\b",
        re.IGNORECASE,
    ),
}
_HYPOTHETICAL = re.compile(
    r"\b(i would|i'd|i will|i'll|i'd probably|i would probably|if i were|"
    r"i usually|i always|i generally|i tend to|in general)\b",
    re.IGNORECASE,
)
_NUMBER = (
    r"(\d[\d,.]*|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|"
    r"twenty|thirty|forty|fifty|hundred|thousand|half|a dozen|dozens of)"
)
_QUANTITY = re.compile(
    rf"\b{_NUMBER}\s*(%|percent|x\b|times|ms|milliseconds|seconds|minutes|hours|days|weeks|"
    r"months|quarters|years|users|customers|people|engineers|teams|services|requests|tickets|"
    r"incidents|bugs|builds|errors|calls|k\b|m\b)|\$\s?\d|\b(doubled|halved|tripled)\b|"
    r"\bone (in|out of) (\w+)\b",
    re.IGNORECASE,
)
_FIRST_PERSON = re.compile(r"\b(i|my|me|i'm|i've)\b", re.IGNORECASE)
_WE = re.compile(r"\b(we|our|us|we're|we've)\b", re.IGNORECASE)


def speaks_for_self(text: str) -> bool:
    """Whether the text talks about the speaker at all ("I", "my", "me")."""
    return bool(_FIRST_PERSON.search(text))


def quantity_sentence(sentences: list[str]) -> str | None:
    """The first sentence that states a measured quantity (a result with a number)."""
    return next((sentence for sentence in sentences if _QUANTITY.search(sentence)), None)


@dataclass(frozen=True)
class Star:
    present: dict[str, bool]
    hypothetical_share: float
    first_person_share: float
    quantified: bool

    @property
    def parts(self) -> int:
        return sum(self.present.values())

    @property
    def missing(self) -> list[str]:
        return [part for part, found in self.present.items() if not found]


@lru_cache(maxsize=4096)
def star(text: str) -> Star:
    sentences = split_sentences(text) or [text]
    hypothetical = sum(bool(_HYPOTHETICAL.search(sentence)) for sentence in sentences)
    first = len(_FIRST_PERSON.findall(text))
    plural = len(_WE.findall(text))
    return Star(
        present={part: bool(pattern.search(text)) for part, pattern in _STAR_CUES.items()},
        hypothetical_share=hypothetical / len(sentences),
        first_person_share=first / max(first + plural, 1),
        quantified=bool(_QUANTITY.search(text)),
    )


DESIGN_ASPECTS: dict[str, tuple[str, ...]] = {
    "components": (
        "service",
        "server",
        "database",
        "api",
        "gateway",
        "load balancer",
        "worker",
        "client",
        "storage",
        "queue",
        "cache",
        "cdn",
        "frontend",
        "backend",
        "endpoint",
        "microservice",
        "proxy",
        "scheduler",
        "broker",
    ),
    "data model": (
        "schema",
        "table",
        "primary key",
        "index",
        "column",
        "record",
        "row",
        "document",
        "key-value",
        "key value",
        "field",
        "partition key",
        "id ",
        "foreign key",
        "blob",
        "object storage",
        "data model",
        "entity",
    ),
    "scaling": (
        "shard",
        "partition",
        "replica",
        "replication",
        "cache",
        "caching",
        "queue",
        "horizontal",
        "horizontally",
        "autoscal",
        "load balanc",
        "cdn",
        "read replica",
        "consistent hashing",
        "fan-out",
        "fan out",
        "batch",
        "async",
        "throughput",
        "rate limit",
        "backpressure",
        "stateless",
    ),
    "trade-offs": (
        "trade-off",
        "tradeoff",
        "trade off",
        "at the cost of",
        "downside",
        "drawback",
        "instead of",
        "versus",
        " vs ",
        "cap theorem",
        "eventual",
        "consistency",
        "latency",
        "availability",
        "bottleneck",
        "cost",
        "simpler",
        "complexity",
        "on the other hand",
        "but ",
    ),
}


def design_aspects(text: str) -> dict[str, int]:
    """How many distinct cue phrases of each system-design aspect the text mentions."""
    lowered = f" {text.lower()} "
    return {aspect: sum(cue in lowered for cue in cues) for aspect, cues in DESIGN_ASPECTS.items()}

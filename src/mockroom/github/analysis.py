"""What a GitHub profile says about a candidate: languages, tools, notable work, a level.

Only the user's own repositories count (forks hold other people's code). Each repository's
weight halves for every year since its last push, so current work outweighs old work, and
grows with the square root of its size, so one vendored giant cannot drown everything else.
Within a repository, languages share its weight in proportion to their bytes.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime

from mockroom.ai.schemas import Level
from mockroom.github.schemas import (
    Analysis,
    DetectedTool,
    GithubProfileData,
    LanguageShare,
    NotableProject,
    RepositoryData,
)
from mockroom.github.tools import TOOLS, Tool, words_of

HALF_LIFE_DAYS = 365.0
UNKNOWN_PUSH_WEIGHT = 0.25
# Counted in bytes by GitHub but not what an interviewer means by "your languages".
NOT_PROGRAMMING = frozenset(
    {
        "HTML",
        "CSS",
        "SCSS",
        "Sass",
        "Less",
        "Makefile",
        "CMake",
        "Dockerfile",
        "HCL",
        "Batchfile",
        "Procfile",
        "Roff",
        "TeX",
        "Jupyter Notebook",
        "Mustache",
        "Handlebars",
        "Jinja",
        "Smarty",
        "Nix",
    }
)
CHART_LANGUAGES = 6
PROFILE_LANGUAGES = 5
PROFILE_LANGUAGE_MIN_PERCENT = 5.0
MAX_TOOLS = 10
MAX_TOPICS = 10
NOTABLE_COUNT = 4
FOCUS_LANGUAGES = 3
FOCUS_TOOLS = 3
# A tool seen only in a name or description counts for less than one in a manifest.
WORD_EVIDENCE = 0.5


def recency(pushed_at: datetime | None, now: datetime) -> float:
    if pushed_at is None:
        return UNKNOWN_PUSH_WEIGHT
    age_days = max(0.0, (now - pushed_at).total_seconds() / 86_400)
    return float(0.5 ** (age_days / HALF_LIFE_DAYS))


def code_bytes(repository: RepositoryData) -> dict[str, int]:
    """Bytes per programming language; the primary language and size when none were fetched."""
    languages = repository.languages
    if not languages and repository.language:
        languages = {repository.language: max(repository.size_kb, 1) * 1024}
    return {name: size for name, size in languages.items() if name not in NOT_PROGRAMMING}


def repository_weight(repository: RepositoryData, now: datetime) -> float:
    total = sum(code_bytes(repository).values()) or max(repository.size_kb, 1) * 1024
    return recency(repository.pushed_at, now) * math.sqrt(total)


def tool_evidence(tool: Tool, repository: RepositoryData) -> float:
    """How strongly the repository shows the tool: one point per independent kind of hard
    evidence (a dependency, a topic, a root file, a language), or less for a mere mention."""
    dependencies = [name for names in repository.dependencies.values() for name in names]
    topics = {topic.lower() for topic in repository.topics}
    kinds = [
        any(tool.uses_dependency(name) for name in dependencies),
        bool(topics & (tool.words | {tool.topic})),
        bool({name.lower() for name in repository.root_files} & tool.files),
        bool(set(repository.languages) & tool.languages),
    ]
    if any(kinds):
        return float(sum(kinds))
    if words_of(repository.name, repository.description) & tool.words:
        return WORD_EVIDENCE
    return 0.0


def analyse(
    profile: GithubProfileData,
    repositories: Iterable[RepositoryData],
    *,
    web_url: str,
    now: datetime,
) -> Analysis:
    own = [repository for repository in repositories if not repository.fork]
    weights = {repository.full_name: repository_weight(repository, now) for repository in own}
    languages = _language_shares(own, weights)
    tools, tools_by_repository = _tools(own, now)
    level, reasons = estimate_level(profile, own, languages, now)
    return Analysis(
        languages=languages[:CHART_LANGUAGES],
        tools=tools,
        topics=_topics(own, tools, now),
        notable=_notable(own, tools_by_repository, web_url, now),
        level=level,
        level_reasons=reasons,
        focus_suggestions=_focus(languages, tools),
    )


def profile_languages(analysis: Analysis) -> list[str]:
    """The languages worth asking about: the leading ones with a real share of the code."""
    return [
        share.name
        for share in analysis.languages[:PROFILE_LANGUAGES]
        if share.percent >= PROFILE_LANGUAGE_MIN_PERCENT
    ]


def _language_shares(own: list[RepositoryData], weights: dict[str, float]) -> list[LanguageShare]:
    scores: dict[str, float] = defaultdict(float)
    for repository in own:
        languages = code_bytes(repository)
        total = sum(languages.values())
        for name, size in languages.items():
            scores[name] += weights[repository.full_name] * size / total
    grand_total = sum(scores.values())
    if not grand_total:
        return []
    ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))
    return [
        LanguageShare(name=name, percent=round(100 * score / grand_total, 1))
        for name, score in ranked
    ]


def _tools(
    own: list[RepositoryData], now: datetime
) -> tuple[list[DetectedTool], dict[str, list[Tool]]]:
    scores: dict[str, float] = defaultdict(float)
    seen_in: dict[str, list[RepositoryData]] = defaultdict(list)
    by_repository: dict[str, list[Tool]] = defaultdict(list)
    for repository in own:
        for tool in TOOLS:
            evidence = tool_evidence(tool, repository)
            if evidence:
                scores[tool.name] += evidence * recency(repository.pushed_at, now)
                seen_in[tool.name].append(repository)
                by_repository[repository.full_name].append(tool)
    ranked = sorted(scores, key=lambda name: (-scores[name], name))[:MAX_TOOLS]
    topic_of = {tool.name: tool.topic for tool in TOOLS}
    detected = [
        DetectedTool(
            name=name,
            topic=topic_of[name],
            repositories=[repository.name for repository in _most_recent(seen_in[name])],
        )
        for name in ranked
    ]
    return detected, by_repository


def _most_recent(repositories: list[RepositoryData]) -> list[RepositoryData]:
    return sorted(
        repositories,
        key=lambda repository: repository.pushed_at.timestamp() if repository.pushed_at else 0,
        reverse=True,
    )


def _topics(own: list[RepositoryData], tools: list[DetectedTool], now: datetime) -> list[str]:
    """Tool topics first (they match the question bank), then the repositories' own topics."""
    counted: dict[str, float] = defaultdict(float)
    for repository in own:
        for topic in repository.topics:
            counted[topic.lower()] += recency(repository.pushed_at, now)
    topics: list[str] = []
    ranked_topics = sorted(counted, key=lambda topic: (-counted[topic], topic))
    for topic in [tool.topic for tool in tools] + ranked_topics:
        if topic not in topics:
            topics.append(topic)
    return topics[:MAX_TOPICS]


def _notable(
    own: list[RepositoryData],
    tools_by_repository: dict[str, list[Tool]],
    web_url: str,
    now: datetime,
) -> list[NotableProject]:
    def standing(repository: RepositoryData) -> float:
        score = 2 * math.log2(1 + repository.stars) + 2 * recency(repository.pushed_at, now)
        score += math.log10(1 + repository.size_kb) / 2
        score += 1 if repository.description else 0
        score += 0.5 if repository.topics else 0
        return score / 2 if repository.archived else score

    ranked = sorted(own, key=lambda repository: (-standing(repository), repository.name))
    projects = []
    for repository in ranked[:NOTABLE_COUNT]:
        languages = code_bytes(repository)
        tools = tools_by_repository.get(repository.full_name, [])
        projects.append(
            NotableProject(
                name=repository.name,
                url=f"{web_url}/{repository.full_name}",
                description=repository.description,
                stars=repository.stars,
                languages=sorted(languages, key=lambda name: -languages[name])[:3],
                tools=[tool.name for tool in tools],
                topics=list(dict.fromkeys(tool.topic for tool in tools)),
                pushed_at=repository.pushed_at,
            )
        )
    return projects


def _focus(languages: list[LanguageShare], tools: list[DetectedTool]) -> list[str]:
    suggestions: list[str] = []
    leading = [share for share in languages if share.percent >= PROFILE_LANGUAGE_MIN_PERCENT]
    for share in leading[:FOCUS_LANGUAGES]:
        suggestions.append(share.name.lower())
    for tool in tools[:FOCUS_TOOLS]:
        if tool.topic not in suggestions:
            suggestions.append(tool.topic)
    return suggestions


def estimate_level(
    profile: GithubProfileData,
    own: list[RepositoryData],
    languages: list[LanguageShare],
    now: datetime,
) -> tuple[Level | None, list[str]]:
    """A rough level from public signals, with the reasons; None without public work.

    Public GitHub activity shows breadth and persistence, not the depth of paid work that
    never appears there, so this only fills in a level for accounts made by GitHub sign-in;
    the user's own choice in Settings always wins.
    """
    if not own:
        return None, ["There is no public work of your own to estimate a level from."]
    points = 0
    reasons: list[str] = []
    if profile.created_at is not None:
        years = (now - profile.created_at).days // 365
        if years >= 4:
            points += 2 if years >= 8 else 1
            reasons.append(f"On GitHub for {years} years.")
    if len(own) >= 15:
        points += 1
        reasons.append(f"{len(own)} repositories of your own.")
    stars = sum(repository.stars for repository in own)
    if stars >= 100:
        points += 2 if stars >= 1000 else 1
        reasons.append(f"{stars} stars across your repositories.")
    if profile.followers >= 100:
        points += 1
        reasons.append(f"{profile.followers} followers.")
    leading = [share for share in languages if share.percent >= PROFILE_LANGUAGE_MIN_PERCENT]
    if len(leading) >= 3:
        points += 1
        reasons.append(f"Substantial work in {len(leading)} languages.")
    if not reasons:
        reasons.append("A small public footprint so far.")
    level: Level = "senior" if points >= 4 else "mid" if points >= 2 else "junior"
    return level, reasons

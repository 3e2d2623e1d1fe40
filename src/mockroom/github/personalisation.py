"""What an interview takes from the candidate's GitHub, and questions framed around their work.

The profile gets the leading languages, the tools' topics and a line per notable project,
so the built-in engine favours questions tagged with them and a hosted model reads them in
its prompt. A couple of technical questions that match a notable project are then prefixed
with "In your project X you used Y", so the candidate answers about their own work.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from pydantic import ValidationError

from mockroom.ai.providers.builtin.selection import canonical
from mockroom.ai.schemas import Question
from mockroom.github.analysis import profile_languages
from mockroom.github.schemas import LanguageShare, NotableProject, Snapshot
from mockroom.github.tools import by_name
from mockroom.models import User

MAX_FRAMED = 2
MAX_PROJECT_LINE = 240
# A prompt starting with one of these reads on naturally after "...you used Go: ".
OPENER_WORDS = (
    "what how why when where which who explain describe walk compare can could would should "
    "design write tell give suppose imagine if is are do does"
)
LOWERCASE_OPENERS = frozenset(OPENER_WORDS.split())


@dataclass(frozen=True)
class GithubFocus:
    """The GitHub side of a candidate profile; empty when GitHub is not linked or synced."""

    languages: list[str] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    projects: list[str] = field(default_factory=list)
    suggestions: list[str] = field(default_factory=list)
    chart: list[LanguageShare] = field(default_factory=list)
    tools: list[str] = field(default_factory=list)
    notable: list[NotableProject] = field(default_factory=list)
    login: str | None = None
    synced_at: datetime | None = None

    @property
    def available(self) -> bool:
        return bool(self.languages or self.topics or self.notable)

    def candidate_languages(self, preferred: list[str]) -> list[str]:
        """The user's own choice first, then GitHub's, without repeats."""
        merged: list[str] = []
        for language in [*preferred, *self.languages]:
            if language.lower() not in {known.lower() for known in merged}:
                merged.append(language)
        return merged


def snapshot_of(user: User) -> Snapshot | None:
    """The stored sync, or None when there is none or it was written in an older shape."""
    if not user.github_data:
        return None
    try:
        return Snapshot.model_validate(user.github_data)
    except ValidationError:
        return None


def focus_of(user: User) -> GithubFocus:
    snapshot = snapshot_of(user)
    if snapshot is None:
        return GithubFocus()
    analysis = snapshot.analysis
    return GithubFocus(
        languages=profile_languages(analysis),
        topics=list(analysis.topics),
        projects=[project_line(project) for project in analysis.notable],
        suggestions=list(analysis.focus_suggestions),
        chart=list(analysis.languages),
        tools=[tool.name for tool in analysis.tools],
        notable=list(analysis.notable),
        login=snapshot.profile.login,
        synced_at=user.github_synced_at,
    )


def project_line(project: NotableProject) -> str:
    """One project as the question prompt reads it: name, description, what it is built with."""
    used = ", ".join([*project.languages, *project.tools])
    line = project.name
    if project.description:
        line += f": {project.description}"
    if used:
        line += f" (built with {used})"
    return line[:MAX_PROJECT_LINE]


def frame(questions: list[Question], focus: GithubFocus) -> list[Question]:
    """Prefix up to two technical questions with the candidate's project that matches them."""
    used: set[str] = set()
    framed = []
    for question in questions:
        match = None
        if question.question_type == "technical" and len(used) < MAX_FRAMED:
            match = _matching_project(question, focus.notable, used)
        if match is not None:
            project, subject = match
            used.add(project.name)
            prompt = f"In your project {project.name} you used {subject}: "
            question = question.model_copy(
                update={"prompt": prompt + _continue_sentence(question.prompt)}
            )
        framed.append(question)
    return framed


def _matching_project(
    question: Question, projects: list[NotableProject], used: set[str]
) -> tuple[NotableProject, str] | None:
    """A tool the question is about beats a language it is about: it says more."""
    labels = {canonical(question.area), *(canonical(tag) for tag in question.tags)}
    tools = by_name()
    candidates = [project for project in projects if project.name not in used]
    for project in candidates:
        for name in project.tools:
            tool = tools.get(name)
            if tool is not None and canonical(tool.topic) in labels:
                return project, tool.name
    for project in candidates:
        for language in project.languages:
            if canonical(language) in labels:
                return project, language
    return None


def _continue_sentence(prompt: str) -> str:
    first = prompt.split(maxsplit=1)[0] if prompt.strip() else ""
    if first.lower().strip(",?") in LOWERCASE_OPENERS:
        return prompt[:1].lower() + prompt[1:]
    return prompt

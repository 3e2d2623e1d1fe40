"""Interviews drawn from a GitHub profile: the form, the questions, the framing, the LLM prompt."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from sqlalchemy import select

from mockroom.ai.providers.builtin.engine import BuiltinEngine
from mockroom.ai.schemas import Question, QuestionType
from mockroom.app import create_app
from mockroom.github.personalisation import GithubFocus, frame
from mockroom.github.schemas import NotableProject
from mockroom.models import BankQuestion, Interview, InterviewQuestion
from tests.ai.fake_openai import FakeOpenAI, hosted_engine
from tests.ai.fake_openai import running as running_openai
from tests.conftest import Database, running_app, sign_up
from tests.github.conftest import github_settings_for, gopher
from tests.github.fake_github import FakeGithub
from tests.web.test_pages import NEW_INTERVIEW, csrf_of, register

GITHUB_TOPICS = {"go", "python", "kubernetes", "docker", "observability", "redis"}
CHECKBOX = re.compile(r'name="github_focus" value="([^"]+)"( checked)?')


@pytest.fixture
async def seeded(database: Database, fake_github: FakeGithub) -> AsyncIterator[httpx.AsyncClient]:
    """The app with a seeded built-in engine, so the questions drawn are reproducible."""
    fake_github.reset()
    application = create_app(database.settings, engine=BuiltinEngine(seed=20261122))
    application.state.github_settings = github_settings_for(fake_github)
    async with running_app(application) as client:
        yield client


@pytest.fixture(scope="module")
def fake_openai() -> Iterator[FakeOpenAI]:
    with running_openai() as server:
        yield server


@pytest.fixture
async def hosted(
    database: Database, fake_github: FakeGithub, fake_openai: FakeOpenAI
) -> AsyncIterator[httpx.AsyncClient]:
    """The app on a hosted model (the fake OpenAI server), the built-in engine behind it."""
    fake_github.reset()
    fake_openai.reset()
    application = create_app(database.settings, engine=hosted_engine(fake_openai))
    application.state.github_settings = github_settings_for(fake_github)
    async with running_app(application) as client:
        yield client


async def _link_gopher(client: httpx.AsyncClient, fake: FakeGithub) -> None:
    fake.add_user(gopher())
    settings = await client.get("/settings")
    linked = await client.post(
        "/settings/github/username",
        data={"github_username": "gopher", "csrf_token": csrf_of(settings)},
    )
    assert linked.status_code == 303, linked.text


async def _questions(database: Database, interview_id: int) -> list[tuple[str, str, list[str]]]:
    async with database.engine.connect() as connection:
        rows = await connection.execute(
            select(InterviewQuestion.area, InterviewQuestion.prompt, BankQuestion.tags)
            .join(BankQuestion, BankQuestion.id == InterviewQuestion.bank_question_id)
            .where(InterviewQuestion.interview_id == interview_id)
            .order_by(InterviewQuestion.position)
        )
        return [(area, prompt, list(tags)) for area, prompt, tags in rows]


async def test_the_form_shows_what_came_from_github_and_the_interview_draws_on_it(
    seeded: httpx.AsyncClient, fake_github: FakeGithub, database: Database
) -> None:
    client = seeded
    await register(client)
    await _link_gopher(client, fake_github)

    form = await client.get("/interviews/new")
    assert "From your GitHub (@gopher)" in form.text
    assert re.search(r"Languages: Go \d+%", form.text)
    assert "Kubernetes" in form.text and "kube-autoscaler" in form.text
    offered = CHECKBOX.findall(form.text)
    assert [value for value, _ in offered][:2] == ["go", "python"]
    assert "kubernetes" in [value for value, _ in offered]
    assert all(checked for _, checked in offered)

    # The browser sends the ticked boxes; here every GitHub topic but Python stays ticked.
    ticked = [value for value, _ in offered if value != "python"]
    created = await client.post(
        "/interviews/new",
        data={
            **NEW_INTERVIEW,
            "question_count": "8",
            "csrf_token": csrf_of(form),
            "github_focus": ticked,
        },
    )
    assert created.status_code == 303, created.text
    interview_id = int(created.headers["location"].rsplit("/", 1)[1])
    async with database.engine.connect() as connection:
        focus = await connection.scalar(
            select(Interview.focus_topics).where(Interview.id == interview_id)
        )
    assert focus == ticked

    questions = await _questions(database, interview_id)
    assert len(questions) == 8
    for area, prompt, tags in questions:
        assert {area, *tags} & GITHUB_TOPICS, prompt
    assert any(area == "go" for area, _, _ in questions)
    assert any("kubernetes" in tags for _, _, tags in questions)
    framed = [prompt for _, prompt, _ in questions if prompt.startswith("In your project ")]
    assert 1 <= len(framed) <= 2
    assert re.match(r"In your project (kube-autoscaler|ratelimit-go) you used \w+: ", framed[0])


async def test_unticked_github_topics_leave_the_focus_to_the_user(
    seeded: httpx.AsyncClient, fake_github: FakeGithub, database: Database
) -> None:
    client = seeded
    await register(client)
    await _link_gopher(client, fake_github)
    form = await client.get("/interviews/new")
    created = await client.post(
        "/interviews/new",
        data={**NEW_INTERVIEW, "focus_topics": "testing", "csrf_token": csrf_of(form)},
    )
    assert created.status_code == 303
    interview_id = int(created.headers["location"].rsplit("/", 1)[1])
    async with database.engine.connect() as connection:
        focus = await connection.scalar(
            select(Interview.focus_topics).where(Interview.id == interview_id)
        )
    assert focus == ["testing"]

    # Too many topics in all are refused, and the ticks the user made are kept.
    many = ",".join(f"topic{number}" for number in range(8))
    refused = await client.post(
        "/interviews/new",
        data={
            **NEW_INTERVIEW,
            "focus_topics": many,
            "github_focus": ["go", "kubernetes", "docker"],
            "csrf_token": csrf_of(form),
        },
    )
    assert refused.status_code == 422
    kept = dict(CHECKBOX.findall(refused.text))
    assert kept["go"] == " checked" and kept["python"] == ""


async def test_without_github_the_form_invites_the_user_to_link_it(
    client: httpx.AsyncClient,
) -> None:
    await register(client)
    form = await client.get("/interviews/new")
    assert "Link GitHub in" in form.text
    assert 'name="github_focus"' not in form.text


async def test_the_hosted_models_prompt_receives_the_github_profile(
    hosted: httpx.AsyncClient, fake_github: FakeGithub, fake_openai: FakeOpenAI
) -> None:
    client = hosted
    headers = await sign_up(client, "carol@example.com", "Carol")
    fake_github.add_user(gopher())
    linked = await client.put(
        "/api/v1/github/username", json={"username": "gopher"}, headers=headers
    )
    assert linked.status_code == 200, linked.text

    created = await client.post(
        "/api/v1/interviews", json={"title": "Hosted", "question_count": 2}, headers=headers
    )
    # The fake model has no reply scripted, so the built-in engine stands in.
    assert created.status_code == 201, created.text
    prompt = json.dumps(fake_openai.requests[0]["messages"])
    assert "Languages: Go, Python" in prompt
    assert "kubernetes" in prompt
    assert "kube-autoscaler: A Kubernetes operator that scales workers from queue depth" in prompt


def _question(area: str, prompt: str, *tags: str, kind: QuestionType = "technical") -> Question:
    return Question(
        question_type=kind,
        area=area,
        difficulty="medium",
        prompt=prompt,
        reference_answer="A reference answer long enough.",
        key_points=["A point."],
        tags=list(tags),
    )


def _project(name: str, languages: list[str], tools: list[str]) -> NotableProject:
    return NotableProject(
        name=name,
        url=f"https://github.com/gopher/{name}",
        description=None,
        stars=0,
        languages=languages,
        tools=tools,
        topics=[],
        pushed_at=None,
    )


def test_framing_names_the_project_and_what_it_used() -> None:
    focus = GithubFocus(
        notable=[
            _project("kube-autoscaler", ["Go"], ["Kubernetes", "Docker"]),
            _project("ratelimit-go", ["Go"], ["Redis"]),
        ]
    )
    questions = [
        _question("behavioral", "Tell me about a conflict you resolved.", kind="behavioral"),
        _question("cloud-devops", "How does a Kubernetes Deployment roll out?", "kubernetes"),
        _question("go", "What is a goroutine leak and how do you find one?", "concurrency"),
        _question("go", "Explain Go's select statement.", "channels"),
    ]
    framed = [question.prompt for question in frame(questions, focus)]
    assert framed == [
        "Tell me about a conflict you resolved.",
        "In your project kube-autoscaler you used Kubernetes: how does a Kubernetes "
        "Deployment roll out?",
        "In your project ratelimit-go you used Go: what is a goroutine leak and how do you "
        "find one?",
        "Explain Go's select statement.",
    ]
    assert frame(questions, GithubFocus()) == questions

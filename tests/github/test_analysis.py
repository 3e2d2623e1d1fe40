"""What the analysis and the manifest readers make of known repositories."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from mockroom.github import manifests
from mockroom.github.analysis import analyse, profile_languages, recency
from mockroom.github.schemas import GithubProfileData, RepositoryData
from tests.github.conftest import GO_MOD, PACKAGE_JSON, PYPROJECT, RATELIMIT_GO_MOD

NOW = datetime(2026, 11, 22, tzinfo=UTC)
PROFILE = GithubProfileData(
    id=1, login="gopher", followers=12, created_at=datetime(2019, 3, 1, tzinfo=UTC)
)


def repository(name: str, pushed: str, **fields: object) -> RepositoryData:
    return RepositoryData.model_validate(
        {"name": name, "full_name": f"gopher/{name}", "pushed_at": pushed, **fields}
    )


KNOWN = [
    repository(
        "kube-autoscaler",
        "2026-11-01T09:00:00Z",
        language="Go",
        languages={"Go": 180_000, "Dockerfile": 800, "Makefile": 1_200},
        topics=["kubernetes", "operator"],
        description="A Kubernetes operator that scales workers from queue depth",
        stars=240,
        root_files=["go.mod", "Dockerfile", "charts"],
        dependencies={"go.mod": manifests.dependencies("go.mod", GO_MOD)},
    ),
    repository(
        "ratelimit-go",
        "2026-09-15T09:00:00Z",
        language="Go",
        languages={"Go": 60_000},
        topics=["rate-limiting", "redis"],
        stars=35,
        dependencies={"go.mod": manifests.dependencies("go.mod", RATELIMIT_GO_MOD)},
    ),
    repository(
        "pyscripts",
        "2025-06-01T09:00:00Z",
        language="Python",
        languages={"Python": 20_000},
        dependencies={"pyproject.toml": manifests.dependencies("pyproject.toml", PYPROJECT)},
    ),
    repository("go-forked-lib", "2026-11-10T09:00:00Z", fork=True, languages={"Rust": 500_000}),
    repository(
        "old-website",
        "2016-05-01T09:00:00Z",
        languages={"JavaScript": 40_000, "HTML": 20_000, "CSS": 5_000},
        dependencies={"package.json": manifests.dependencies("package.json", PACKAGE_JSON)},
    ),
]


def test_languages_are_weighted_by_bytes_and_recency_and_forks_do_not_count() -> None:
    analysis = analyse(PROFILE, KNOWN, web_url="https://github.com", now=NOW)
    names = [share.name for share in analysis.languages]
    assert names[0] == "Go"
    assert analysis.languages[0].percent > 80
    assert "Rust" not in names  # only in the fork
    assert "HTML" not in names and "Dockerfile" not in names  # not programming languages
    # Ten-year-old JavaScript counts for almost nothing next to this year's Go.
    javascript = next(share for share in analysis.languages if share.name == "JavaScript")
    assert javascript.percent < 1
    assert profile_languages(analysis)[:2] == ["Go", "Python"]
    assert sum(share.percent for share in analysis.languages) == pytest.approx(100, abs=0.5)


def test_frameworks_and_tools_come_from_manifests_topics_files_and_words() -> None:
    analysis = analyse(PROFILE, KNOWN, web_url="https://github.com", now=NOW)
    tools = {tool.name: tool for tool in analysis.tools}
    assert tools["Kubernetes"].repositories == ["kube-autoscaler"]
    assert tools["Kubernetes"].topic == "kubernetes"
    assert tools["Docker"].repositories == ["kube-autoscaler"]
    assert tools["Prometheus"].topic == "observability"
    assert tools["Redis"].repositories == ["ratelimit-go"]
    assert {"Flask", "pytest", "React", "Jest"} <= set(tools)
    # Recent, hard evidence ranks first.
    assert analysis.tools[0].name == "Kubernetes"
    assert analysis.topics[:2] == ["kubernetes", "docker"]
    assert analysis.focus_suggestions[:2] == ["go", "python"]
    assert "kubernetes" in analysis.focus_suggestions


def test_notable_projects_and_an_estimated_level() -> None:
    analysis = analyse(PROFILE, KNOWN, web_url="https://ghe.example.com", now=NOW)
    first = analysis.notable[0]
    assert first.name == "kube-autoscaler"
    assert first.url == "https://ghe.example.com/gopher/kube-autoscaler"
    assert first.languages == ["Go"]
    assert {"Kubernetes", "Docker", "Prometheus"} <= set(first.tools)
    assert all(project.name != "go-forked-lib" for project in analysis.notable)
    assert analysis.level == "mid"
    assert analysis.level_reasons == [
        "On GitHub for 7 years.",
        "275 stars across your repositories.",
    ]


def test_no_public_work_gives_an_empty_analysis_and_no_level() -> None:
    analysis = analyse(PROFILE, [], web_url="https://github.com", now=NOW)
    assert analysis.languages == [] and analysis.tools == [] and analysis.notable == []
    assert analysis.level is None
    assert analysis.focus_suggestions == []


def test_recency_halves_each_year() -> None:
    assert recency(NOW, NOW) == 1
    assert recency(datetime(2025, 11, 22, tzinfo=UTC), NOW) == pytest.approx(0.5, abs=0.01)
    assert recency(None, NOW) == 0.25


def test_manifest_readers() -> None:
    assert manifests.dependencies("go.mod", GO_MOD) == [
        "github.com/prometheus/client_golang",
        "k8s.io/client-go",
        "sigs.k8s.io/controller-runtime",
    ]
    assert manifests.dependencies("pyproject.toml", PYPROJECT) == ["flask", "pytest", "requests"]
    assert manifests.dependencies("package.json", PACKAGE_JSON) == ["jest", "react"]
    assert manifests.dependencies(
        "Cargo.toml",
        '[dependencies]\ntokio = { version = "1" }\nserde = "1"\n'
        '[dev-dependencies]\ncriterion = "0.5"\n',
    ) == ["criterion", "serde", "tokio"]
    pom = (
        "<project><parent><groupId>org.springframework.boot</groupId>"
        "<artifactId>spring-boot-starter-parent</artifactId></parent><dependencies>"
        "<dependency><groupId>org.postgresql</groupId><artifactId>postgresql</artifactId>"
        "</dependency></dependencies></project>"
    )
    assert manifests.dependencies("pom.xml", pom) == [
        "org.postgresql:postgresql",
        "org.springframework.boot:spring-boot-starter-parent",
    ]
    assert manifests.dependencies("requirements.txt", "Django>=5 # web\n-r base.txt\nredis\n") == [
        "django",
        "redis",
    ]
    assert manifests.dependencies(
        "pyproject.toml",
        '[tool.poetry.dependencies]\npython = "^3.11"\nFastAPI = "*"\n',
    ) == ["fastapi"]


@pytest.mark.parametrize(
    ("filename", "text"),
    [
        ("package.json", "{not json"),
        ("package.json", "[1, 2]"),
        ("pyproject.toml", "project = 'not a table'"),
        ("Cargo.toml", "[dependencies"),
        ("go.mod", ""),
        ("pom.xml", "<!DOCTYPE lolz [<!ENTITY lol 'lol'>]><project>&lol;</project>"),
        ("unknown.txt", "anything"),
    ],
)
def test_unreadable_manifests_yield_nothing(filename: str, text: str) -> None:
    assert manifests.dependencies(filename, text) == []

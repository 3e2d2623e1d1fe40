"""The frameworks and tools mockroom recognises in a repository, and the evidence for each.

A tool is recognised from a dependency in a manifest, a GitHub topic, a word in the
repository's name or description, a file at its root, or a language GitHub reports (HCL means
Terraform). ``topic`` is the name used for question topics: where the question bank has a tag
for the tool, it is that tag, so the built-in engine can match it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Tool:
    name: str
    topic: str
    dependencies: frozenset[str] = field(default_factory=frozenset)
    words: frozenset[str] = field(default_factory=frozenset)
    files: frozenset[str] = field(default_factory=frozenset)
    languages: frozenset[str] = field(default_factory=frozenset)

    def uses_dependency(self, name: str) -> bool:
        # Go modules and Maven artifacts are matched on their prefix: "k8s.io/client-go/v2"
        # is client-go, "org.springframework.boot:spring-boot-starter-web" is Spring Boot.
        return any(
            name == known or name.startswith((known + "/", known + ":", known + "-"))
            for known in self.dependencies
        )


def _tool(
    name: str,
    topic: str,
    *,
    dependencies: str = "",
    words: str = "",
    files: str = "",
    languages: tuple[str, ...] = (),
) -> Tool:
    return Tool(
        name=name,
        topic=topic,
        dependencies=frozenset(dependencies.split()),
        words=frozenset(words.split()),
        files=frozenset(files.lower().split()),
        languages=frozenset(languages),
    )


TOOLS: tuple[Tool, ...] = (
    _tool(
        "Kubernetes",
        "kubernetes",
        dependencies="k8s.io/client-go k8s.io/api k8s.io/apimachinery "
        "sigs.k8s.io/controller-runtime kubernetes @kubernetes/client-node kube "
        "io.fabric8:kubernetes-client",
        words="kubernetes k8s kube kubectl helm kubebuilder",
        files="Chart.yaml kustomization.yaml k8s charts helm",
    ),
    _tool(
        "Docker",
        "docker",
        dependencies="docker github.com/docker/docker dockerode",
        words="docker dockerfile",
        files="Dockerfile docker-compose.yml docker-compose.yaml compose.yml compose.yaml",
        languages=("Dockerfile",),
    ),
    _tool(
        "Terraform",
        "terraform",
        dependencies="github.com/hashicorp/terraform-plugin-sdk "
        "github.com/hashicorp/terraform-plugin-framework",
        words="terraform",
        files="main.tf terraform",
        languages=("HCL",),
    ),
    _tool(
        "AWS",
        "aws",
        dependencies="boto3 botocore aws-sdk github.com/aws/aws-sdk-go "
        "github.com/aws/aws-sdk-go-v2 software.amazon.awssdk com.amazonaws",
        words="aws",
    ),
    _tool(
        "GitHub Actions",
        "ci-cd",
        words="github-actions cicd ci-cd",
        files=".github",
    ),
    _tool("React", "react", dependencies="react react-dom", words="react reactjs"),
    _tool("Next.js", "react", dependencies="next", words="nextjs next.js"),
    _tool("Vue", "vue", dependencies="vue nuxt", words="vue vuejs nuxt"),
    _tool("Angular", "angular", dependencies="@angular/core", words="angular"),
    _tool(
        "Node.js",
        "node",
        dependencies="express fastify koa @nestjs/core",
        words="nodejs node.js nestjs",
    ),
    _tool("Django", "django", dependencies="django djangorestframework", words="django"),
    _tool("Flask", "flask", dependencies="flask", words="flask"),
    _tool("FastAPI", "fastapi", dependencies="fastapi", words="fastapi"),
    _tool("pytest", "pytest", dependencies="pytest", words="pytest"),
    _tool("SQLAlchemy", "orm", dependencies="sqlalchemy", words="sqlalchemy"),
    _tool("asyncio", "asyncio", dependencies="aiohttp anyio trio uvloop", words="asyncio"),
    _tool("Jest", "unit-tests", dependencies="jest vitest mocha", words="jest vitest"),
    _tool("JUnit", "unit-tests", dependencies="junit:junit org.junit.jupiter", words="junit"),
    _tool(
        "PostgreSQL",
        "postgresql",
        dependencies="psycopg psycopg2 psycopg2-binary asyncpg pg github.com/lib/pq "
        "github.com/jackc/pgx github.com/jackc/pgx/v5 org.postgresql:postgresql",
        words="postgres postgresql",
    ),
    _tool(
        "Redis",
        "redis",
        dependencies="redis ioredis github.com/redis/go-redis github.com/go-redis/redis",
        words="redis",
    ),
    _tool(
        "Kafka",
        "kafka",
        dependencies="kafka-python confluent-kafka aiokafka kafkajs github.com/segmentio/kafka-go "
        "github.com/ibm/sarama github.com/shopify/sarama org.apache.kafka rdkafka",
        words="kafka",
    ),
    _tool(
        "gRPC",
        "grpc",
        dependencies="grpcio google.golang.org/grpc @grpc/grpc-js tonic io.grpc",
        words="grpc protobuf",
    ),
    _tool(
        "GraphQL",
        "graphql",
        dependencies="graphql graphene strawberry-graphql apollo-server @apollo/server "
        "github.com/99designs/gqlgen",
        words="graphql",
    ),
    _tool(
        "WebSockets",
        "websockets",
        dependencies="websockets ws socket.io github.com/gorilla/websocket",
        words="websocket websockets socket.io",
    ),
    _tool(
        "Prometheus",
        "observability",
        dependencies="prometheus-client prom-client github.com/prometheus/client_golang "
        "io.prometheus",
        words="prometheus grafana observability",
    ),
    _tool(
        "OpenTelemetry",
        "opentelemetry",
        dependencies="opentelemetry-api opentelemetry-sdk go.opentelemetry.io/otel "
        "@opentelemetry/api",
        words="opentelemetry otel",
    ),
    _tool("Tokio", "async", dependencies="tokio async-std", words="tokio"),
    _tool("Actix and Axum", "web", dependencies="actix-web axum rocket warp", words="actix axum"),
    _tool(
        "Spring",
        "spring",
        dependencies="org.springframework.boot org.springframework",
        words="spring-boot springboot",
    ),
    _tool("Hibernate", "orm", dependencies="org.hibernate", words="hibernate"),
    _tool(
        "Go web frameworks",
        "http",
        dependencies="github.com/gin-gonic/gin github.com/labstack/echo github.com/go-chi/chi "
        "github.com/gofiber/fiber github.com/gorilla/mux",
    ),
    _tool(
        "PyTorch",
        "deep-learning",
        dependencies="torch pytorch-lightning lightning",
        words="pytorch",
    ),
    _tool("TensorFlow", "deep-learning", dependencies="tensorflow keras", words="tensorflow keras"),
    _tool(
        "scikit-learn",
        "machine-learning",
        dependencies="scikit-learn xgboost lightgbm",
        words="sklearn scikit-learn machine-learning",
    ),
    _tool("pandas", "data-pipeline", dependencies="pandas polars pyspark", words="pandas etl"),
    _tool(
        "Message queues",
        "queues",
        dependencies="celery pika amqplib rq dramatiq github.com/rabbitmq/amqp091-go bullmq",
        words="rabbitmq celery",
    ),
)

WORD = re.compile(r"[a-z0-9][a-z0-9.+#-]*")


def words_of(*texts: str | None) -> set[str]:
    """Lower-case words of names and descriptions; hyphenated names count whole and in parts."""
    found: set[str] = set()
    for text in texts:
        for word in WORD.findall((text or "").lower()):
            word = word.rstrip(".")
            found.add(word)
            found.update(part for part in re.split(r"[-_.]", word) if part)
    return found


def by_name() -> dict[str, Tool]:
    return {tool.name: tool for tool in TOOLS}

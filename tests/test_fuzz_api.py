"""Fuzzing the JSON API with schemathesis, as a signed-in user, against a real server.

Every operation in the OpenAPI document gets a bounded number of generated requests, valid and
deliberately invalid, over real HTTP. Path parameters are drawn partly from the user's own rows
(interviews at every stage, an answer, a spare token), so the fuzzer reaches the code behind
the 404s as well as the 404s. The verdict: no 5xx anywhere, every response matches what the
document says (status, content type, headers, body). GitHub is a fake of our own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Ok
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from mockroom.github.settings import GithubSettings
from tests.conftest import STRONG_PASSWORD, Database
from tests.github import fake_github
from tests.live_server import serving

# Per operation and per mode (valid, invalid); about 30 operations keep the test near a minute.
# Refusing invalid input is not among the checks: FastAPI ignores unknown query parameters by
# design, which schemathesis would report; invalid input still must not cause a 5xx.
EXAMPLES = 8
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
EMAIL = "fuzz@example.com"


@pytest.fixture(scope="module")
def server(database: Database) -> Iterator[str]:
    # Request logs would bury a failure's report; errors are still logged.
    settings = database.settings.model_copy(update={"log_level": "WARNING"})
    with fake_github.running() as github:

        def use_fake_github(app: FastAPI) -> None:
            app.state.github_settings = GithubSettings(
                _env_file=None, web_url=github.web_url, api_url=github.api_url
            )

        with serving(settings, configure=use_fake_github) as url:
            yield url


def json_of(response: httpx.Response, status: int) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def prepare_user(http: httpx.Client) -> tuple[dict[str, str], dict[str, list[int]], int]:
    """A user with interviews at every stage; returns auth, the rows to aim at, the token's id."""
    json_of(
        http.post(
            "/api/v1/auth/register",
            json={
                "email": EMAIL,
                "display_name": "Fuzz",
                "password": STRONG_PASSWORD,
                "password_confirmation": STRONG_PASSWORD,
            },
        ),
        201,
    )
    credentials = {"email": EMAIL, "password": STRONG_PASSWORD}
    issued = json_of(http.post("/api/v1/auth/tokens", json=credentials), 201)
    auth = {"Authorization": f"Bearer {issued['token']}"}
    spare = json_of(http.post("/api/v1/auth/tokens", json={**credentials, "name": "spare"}), 201)

    def interview(*steps: str) -> tuple[int, int | None]:
        created = json_of(
            http.post(
                "/api/v1/interviews", json={"title": "Fuzz", "question_count": 3}, headers=auth
            ),
            201,
        )
        path = f"/api/v1/interviews/{created['id']}"
        response_id = None
        for step in steps:
            if step == "answer":
                answered = json_of(
                    http.post(
                        f"{path}/answers",
                        json={"answer": "Hashing spreads keys over buckets for constant lookups."},
                        headers=auth,
                    ),
                    200,
                )
                response_id = answered["response"]["id"]
            else:
                json_of(http.post(f"{path}/{step}", headers=auth), 200)
        return created["id"], response_id

    rows: dict[str, list[int]] = {"interview_id": [], "response_id": [], "token_id": [spare["id"]]}
    for steps in [(), ("start",), ("start", "answer"), ("start", "answer", "complete")]:
        interview_id, response_id = interview(*steps)
        rows["interview_id"].append(interview_id)
        if response_id is not None:
            rows["response_id"].append(response_id)
    return auth, rows, int(issued["id"])


def cases_for(
    operation: Any, rows: dict[str, list[int]], mode: GenerationMode
) -> st.SearchStrategy[Any]:
    """Generated cases, half of them aimed at the user's own rows where the path names one."""
    names = [parameter.name for parameter in operation.path_parameters if rows.get(parameter.name)]
    generated: st.SearchStrategy[Any] = operation.as_strategy(generation_mode=mode)
    if not names:
        return generated
    aimed = st.fixed_dictionaries({name: st.sampled_from(rows[name]) for name in names}).flatmap(
        lambda values: operation.as_strategy(generation_mode=mode, path_parameters=values)
    )
    return st.one_of(aimed, generated)


def fuzz(strategy: st.SearchStrategy[Any], call: Callable[[Any], None]) -> None:
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate, Phase.shrink],
        suppress_health_check=list(HealthCheck),
        print_blob=True,
    )
    @given(case=strategy)
    def run(case: Any) -> None:
        call(case)

    run()


def test_the_api_survives_fuzzing_and_keeps_to_its_schema(server: str) -> None:
    with httpx.Client(base_url=server, timeout=30) as http:
        auth, rows, own_token_id = prepare_user(http)
    schema = schemathesis.openapi.from_url(f"{server}/api/v1/openapi.json")
    failures: list[str] = []
    operations = []
    for result in schema.get_all_operations():
        assert isinstance(result, Ok), f"the OpenAPI document is not valid: {result.err()}"
        operations.append(result.ok())
    assert operations

    def call(case: Any) -> None:
        # Revoking the token the fuzzer signs in with would turn the rest of the run into 401s.
        if case.path_parameters and case.path_parameters.get("token_id") == own_token_id:
            return
        case.call_and_validate(base_url=server, headers=auth, checks=CHECKS)

    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            try:
                fuzz(cases_for(operation, rows, mode), call)
            # Schemathesis groups an example's failures; every operation's are reported together.
            except (Exception, BaseExceptionGroup) as error:
                failures.append(f"{operation.label} ({mode.value}):\n{error}")
    assert not failures, "\n\n".join(failures)

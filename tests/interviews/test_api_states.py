"""Every action that is not on the state graph is a 409 with a message that says why."""

from __future__ import annotations

import httpx
import pytest

from mockroom.interviews.states import TRANSITIONS, Action, Status

# How to bring a fresh interview into each state through the API.
ROUTES_TO_STATE: dict[Status, list[str]] = {
    Status.SCHEDULED: [],
    Status.IN_PROGRESS: ["start"],
    Status.PAUSED: ["start", "pause"],
    Status.COMPLETED: ["start", "complete"],
    Status.CANCELLED: ["cancel"],
}

INVALID = [
    (status, action)
    for action, (allowed, _) in TRANSITIONS.items()
    for status in Status
    if status not in allowed
]


async def _interview_in(client: httpx.AsyncClient, headers: dict[str, str], status: Status) -> int:
    created = await client.post(
        "/api/v1/interviews",
        json={"title": "States", "interview_type": "technical", "question_count": 2},
        headers=headers,
    )
    interview_id: int = created.json()["id"]
    for step in ROUTES_TO_STATE[status]:
        moved = await client.post(f"/api/v1/interviews/{interview_id}/{step}", headers=headers)
        assert moved.status_code == 200, moved.text
    return interview_id


async def _perform(
    client: httpx.AsyncClient, headers: dict[str, str], interview_id: int, action: Action
) -> httpx.Response:
    if action is Action.ANSWER:
        return await client.post(
            f"/api/v1/interviews/{interview_id}/answers",
            json={"answer": "I led the migration."},
            headers=headers,
        )
    return await client.post(f"/api/v1/interviews/{interview_id}/{action.value}", headers=headers)


@pytest.mark.parametrize(
    ("status", "action"), INVALID, ids=[f"{s.value}-{a.value}" for s, a in INVALID]
)
async def test_invalid_transition_is_a_409(
    client: httpx.AsyncClient, alice: dict[str, str], status: Status, action: Action
) -> None:
    interview_id = await _interview_in(client, alice, status)
    response = await _perform(client, alice, interview_id, action)
    assert response.status_code == 409, response.text
    body = response.json()
    assert body["error"].startswith(f"You cannot {action.value} this interview")
    assert body["detail"] == {"status": status.value, "action": action.value}
    after = await client.get(f"/api/v1/interviews/{interview_id}", headers=alice)
    assert after.json()["status"] == status.value


async def test_pause_stops_the_clock(client: httpx.AsyncClient, alice: dict[str, str]) -> None:
    interview_id = await _interview_in(client, alice, Status.PAUSED)
    first = (await client.get(f"/api/v1/interviews/{interview_id}", headers=alice)).json()
    second = (await client.get(f"/api/v1/interviews/{interview_id}", headers=alice)).json()
    assert first["remaining_seconds"] == second["remaining_seconds"]
    assert 0 < first["remaining_seconds"] <= 30 * 60
    resumed = await client.post(f"/api/v1/interviews/{interview_id}/resume", headers=alice)
    assert resumed.json()["status"] == "in_progress"

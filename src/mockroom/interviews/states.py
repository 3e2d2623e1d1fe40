"""The interview state machine: scheduled -> in_progress <-> paused -> completed, or cancelled."""

from __future__ import annotations

from enum import StrEnum

from mockroom.errors import Conflict


class Status(StrEnum):
    SCHEDULED = "scheduled"
    IN_PROGRESS = "in_progress"
    PAUSED = "paused"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class Action(StrEnum):
    START = "start"
    PAUSE = "pause"
    RESUME = "resume"
    ANSWER = "answer"
    SKIP = "skip"
    COMPLETE = "complete"
    CANCEL = "cancel"


# For each action: the states it may be taken from, and the state it leads to (None: unchanged).
TRANSITIONS: dict[Action, tuple[frozenset[Status], Status | None]] = {
    Action.START: (frozenset({Status.SCHEDULED}), Status.IN_PROGRESS),
    Action.PAUSE: (frozenset({Status.IN_PROGRESS}), Status.PAUSED),
    Action.RESUME: (frozenset({Status.PAUSED}), Status.IN_PROGRESS),
    Action.ANSWER: (frozenset({Status.IN_PROGRESS}), None),
    Action.SKIP: (frozenset({Status.IN_PROGRESS}), None),
    Action.COMPLETE: (frozenset({Status.IN_PROGRESS, Status.PAUSED}), Status.COMPLETED),
    Action.CANCEL: (
        frozenset({Status.SCHEDULED, Status.IN_PROGRESS, Status.PAUSED}),
        Status.CANCELLED,
    ),
}

_HINTS = {
    Status.SCHEDULED: "it has not started yet",
    Status.IN_PROGRESS: "it is already in progress",
    Status.PAUSED: "it is paused; resume it first",
    Status.COMPLETED: "it is already completed",
    Status.CANCELLED: "it was cancelled",
}


def check(action: Action, current: str) -> Status | None:
    """The state after ``action``, or a 409 that says why the action is not possible now."""
    allowed, target = TRANSITIONS[action]
    status = Status(current)
    if status not in allowed:
        raise Conflict(
            f"You cannot {action.value} this interview: {_HINTS[status]}.",
            detail={"status": status.value, "action": action.value},
        )
    return target

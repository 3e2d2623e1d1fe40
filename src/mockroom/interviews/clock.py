"""The interview clock, kept by the server: only time spent in progress counts."""

from __future__ import annotations

from datetime import datetime

from mockroom.models import Interview


def running_seconds(interview: Interview, now: datetime) -> float:
    running = interview.elapsed_seconds
    if interview.status == "in_progress" and interview.resumed_at is not None:
        running += max(0.0, (now - interview.resumed_at).total_seconds())
    return running


def remaining_seconds(interview: Interview, now: datetime) -> float:
    return max(0.0, interview.duration_minutes * 60 - running_seconds(interview, now))


def stop(interview: Interview, now: datetime) -> None:
    """Bank the open stretch into ``elapsed_seconds``, capped at the interview's duration."""
    limit = float(interview.duration_minutes * 60)
    interview.elapsed_seconds = min(limit, running_seconds(interview, now))
    interview.resumed_at = None

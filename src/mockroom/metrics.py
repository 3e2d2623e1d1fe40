"""Prometheus metrics, defined once for the process and served at /metrics."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

REQUEST_SECONDS = Histogram(
    "mockroom_request_seconds",
    "Request latency by route template, method and status.",
    ["route", "method", "status"],
)
AI_CALLS = Counter(
    "mockroom_ai_calls",
    "Engine calls by provider, task and outcome.",
    ["provider", "task", "outcome"],
)
ACTIVE_INTERVIEWS = Gauge("mockroom_active_interviews", "Interviews in progress right now.")
WEBSOCKET_CONNECTIONS = Gauge(
    "mockroom_websocket_connections", "Interview-room live channels open right now."
)

"""Choosing the engine from settings, and reading those settings from the environment."""

from __future__ import annotations

import json

import pytest

from mockroom.ai.providers.builtin.engine import BuiltinEngine
from mockroom.ai.providers.openai_compat import OpenAICompatibleEngine
from mockroom.ai.registry import FallbackEngine, build_engine, default_engine
from mockroom.ai.settings import AiSettings


def test_the_builtin_engine_is_the_default() -> None:
    assert isinstance(build_engine(AiSettings(_env_file=None)), BuiltinEngine)
    assert default_engine().name == "builtin"


def test_openai_gets_the_builtin_engine_behind_it() -> None:
    settings = AiSettings(
        _env_file=None,
        provider="openai",
        base_url="http://127.0.0.1:11434/v1",
        model="llama3.1:8b",
    )

    engine = build_engine(settings)

    assert isinstance(engine, FallbackEngine)
    assert isinstance(engine.primary, OpenAICompatibleEngine)
    assert isinstance(engine.backup, BuiltinEngine)
    assert (engine.name, engine.model_name) == ("openai", "llama3.1:8b")
    assert str(engine.primary.client.base_url).startswith("http://127.0.0.1:11434/v1")
    assert engine.primary.client.max_retries == 0, "our retry loop, not the SDK's"


def test_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MOCKROOM_AI_PROVIDER", "openai")
    monkeypatch.setenv("MOCKROOM_AI_API_KEY", "sk-very-secret")
    monkeypatch.setenv("MOCKROOM_AI_MODEL", "gpt-4o-mini")
    monkeypatch.setenv("MOCKROOM_AI_EVALUATION_MODEL", "gpt-4o")
    monkeypatch.setenv("MOCKROOM_AI_STRUCTURED_OUTPUT", "json_object")
    monkeypatch.setenv(
        "MOCKROOM_AI_PRICES",
        json.dumps({"gpt-4o": {"prompt_per_1k": 0.0025, "completion_per_1k": 0.01}}),
    )

    settings = AiSettings(_env_file=None)

    assert settings.provider == "openai" and settings.structured_output == "json_object"
    assert settings.model_for("evaluate") == "gpt-4o"
    assert settings.model_for("generate_questions") == "gpt-4o-mini"
    assert settings.cost("gpt-4o", 2000, 1000) == pytest.approx(0.015)
    assert settings.cost("gpt-4o-mini", 2000, 1000) == 0, "unpriced models cost nothing"
    assert "sk-very-secret" not in repr(settings)
    assert settings.api_key.get_secret_value() == "sk-very-secret"

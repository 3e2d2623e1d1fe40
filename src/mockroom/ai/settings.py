"""AI settings, read from the environment (prefix ``MOCKROOM_AI_``) and ``.env``.

The built-in engine needs none of them. Setting ``MOCKROOM_AI_PROVIDER=openai`` sends calls to
any OpenAI-compatible endpoint (see docs/llm-providers.md), with the built-in engine behind it.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

Task = Literal["generate_questions", "evaluate", "study_plan"]


class ModelPrice(BaseModel):
    """US dollars per 1,000 tokens."""

    prompt_per_1k: float = Field(default=0.0, ge=0)
    completion_per_1k: float = Field(default=0.0, ge=0)

    def cost(self, prompt_tokens: int, completion_tokens: int) -> float:
        return (
            prompt_tokens * self.prompt_per_1k + completion_tokens * self.completion_per_1k
        ) / 1000


class AiSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MOCKROOM_AI_", env_file=".env", extra="ignore")

    provider: Literal["builtin", "openai"] = "builtin"
    base_url: str = "https://api.openai.com/v1"
    # Local servers (Ollama, llama.cpp, vLLM) accept any key; the SDK insists on one.
    api_key: SecretStr = SecretStr("")
    model: str = "gpt-4o-mini"
    questions_model: str | None = None
    evaluation_model: str | None = None
    study_plan_model: str | None = None
    # None leaves the server's default: some models (reasoning ones) reject any other value.
    temperature: float | None = Field(default=None, ge=0, le=2)

    timeout_seconds: float = Field(default=30.0, gt=0)
    max_retries: int = Field(default=2, ge=0, le=10)
    retry_base_seconds: float = Field(default=0.5, ge=0)
    # A Retry-After longer than this is not waited for: the call falls back instead, because
    # a candidate is waiting on the other end.
    retry_max_seconds: float = Field(default=10.0, ge=0)
    circuit_failure_threshold: int = Field(default=5, ge=1)
    circuit_cooldown_seconds: float = Field(default=30.0, ge=0)

    # JSON in the environment, e.g. {"gpt-4o-mini": {"prompt_per_1k": 0.00015,
    # "completion_per_1k": 0.0006}}. Models not listed cost nothing (local models).
    prices: dict[str, ModelPrice] = Field(default_factory=dict)
    structured_output: Literal["json_schema", "json_object"] = "json_schema"

    question_cache_size: int = Field(default=256, ge=0)
    # Generated questions carry no bank slug, so nothing else stops a user from being served
    # the same set forever; the cache only absorbs bursts of identical requests.
    question_cache_seconds: float = Field(default=600.0, ge=0)

    def model_for(self, task: Task) -> str:
        chosen = {
            "generate_questions": self.questions_model,
            "evaluate": self.evaluation_model,
            "study_plan": self.study_plan_model,
        }[task]
        return chosen or self.model

    def cost(self, model: str, prompt_tokens: int, completion_tokens: int) -> float:
        price = self.prices.get(model)
        return price.cost(prompt_tokens, completion_tokens) if price else 0.0


ai_settings = AiSettings()

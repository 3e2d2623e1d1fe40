"""The hosted engine: any OpenAI-compatible chat-completions endpoint, through the openai SDK.

OpenAI itself, Gemini's OpenAI-compatible endpoint, Ollama, vLLM, llama.cpp's server and
LM Studio all speak this API. Replies are JSON validated by the same Pydantic models the
built-in engine returns; one invalid reply gets one chance to repair itself. Retries and the
circuit breaker live here; falling back to the built-in engine is the registry's job.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from collections import OrderedDict
from collections.abc import AsyncGenerator, Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import cache
from importlib import resources
from string import Template
from typing import Any, TypeVar

import openai
from openai import AsyncOpenAI, Omit, omit
from openai.types.chat import ChatCompletion, ChatCompletionChunk, ChatCompletionMessageParam
from openai.types.chat.completion_create_params import ResponseFormat
from openai.types.completion_usage import CompletionUsage
from pydantic import BaseModel, Field, ValidationError

from mockroom.ai.recorder import current_report
from mockroom.ai.resilience import (
    CircuitBreaker,
    InvalidOutput,
    ProviderError,
    RetryPolicy,
    retry_after_seconds,
    with_retries,
)
from mockroom.ai.schemas import (
    AnswerToGrade,
    CandidateProfile,
    Evaluation,
    PerformanceHistory,
    Question,
    QuestionRequest,
    StudyPlan,
)
from mockroom.ai.settings import AiSettings, Task

Output = TypeVar("Output", bound=BaseModel)
Messages = list[ChatCompletionMessageParam]

# Local servers accept any key, but the SDK refuses to start without one.
_PLACEHOLDER_KEY = "not-needed"
# How much of a validation error goes back to the model in a repair request.
_PROBLEM_LIMIT = 1200


class QuestionSet(BaseModel):
    """Question generation's reply: JSON schema mode needs an object at the top level."""

    questions: list[Question] = Field(min_length=1)


# ---------------------------------------------------------------------------------- prompts


@cache
def _template(name: str) -> Template:
    text = (resources.files("mockroom.ai") / "prompts" / f"{name}.txt").read_text("utf-8")
    return Template(text)


def render(name: str, **values: object) -> str:
    return _template(name).substitute(values).strip()


# Tags that delimit blocks in our prompts. Text from outside that looks like one of them is
# rewritten with look-alike angle quotes, so it can neither close its block nor open another.
_TAGS = (
    "candidate_answer",
    "candidate_profile",
    "performance_history",
    "question",
    "reference_answer",
    "key_points",
    "misconceptions",
)
_TAG_LIKE = re.compile(r"<\s*/?\s*(?:" + "|".join(_TAGS) + r")\b[^<>]*>?", re.IGNORECASE)


def as_data(text: str) -> str:
    return _TAG_LIKE.sub(
        lambda match: match.group().replace("<", "\u2039").replace(">", "\u203a"), text
    )


def _listing(items: Sequence[str], empty: str = "none given") -> str:
    return ", ".join(as_data(item) for item in items) if items else empty


def _bullets(items: Sequence[str], empty: str = "- none listed") -> str:
    return "\n".join(f"- {as_data(item)}" for item in items) if items else empty


def questions_prompt(request: QuestionRequest, profile: CandidateProfile) -> str:
    return render(
        "questions_user",
        count=request.count,
        question_type=request.question_type,
        difficulty=request.difficulty,
        level=profile.level,
        languages=_listing(profile.languages),
        topics=_listing([*request.focus_topics, *profile.topics]),
        projects=_listing(profile.projects),
        weak_areas=_listing(profile.weak_areas),
    )


def answer_prompt(item: AnswerToGrade) -> str:
    question = item.question
    return render(
        "evaluation_user",
        question_type=question.question_type,
        area=as_data(question.area),
        difficulty=question.difficulty,
        prompt=as_data(question.prompt),
        reference_answer=as_data(question.reference_answer),
        key_points=_bullets(question.key_points),
        misconceptions=_bullets(
            [
                f"{item.claim.rstrip('.')}. Correction: {item.correction}"
                for item in question.misconceptions
            ]
        ),
        response_time=(
            f"{item.response_time_seconds:.0f} seconds"
            if item.response_time_seconds > 0
            else "not recorded"
        ),
        answer=as_data(item.answer.strip()) or "(no answer given)",
    )


def history_prompt(history: PerformanceHistory) -> str:
    averages = history.criteria_averages
    criteria = (
        ", ".join(f"{name} {value:.0f}" for name, value in averages.model_dump().items())
        if averages
        else "not available"
    )
    results = [
        f"{result.area} ({result.question_type}): {result.score:.0f}"
        + (f"; missed: {'; '.join(result.missed_key_points)}" if result.missed_key_points else "")
        for result in history.results
    ]
    return render(
        "study_plan_user",
        level=history.profile.level,
        languages=_listing(history.profile.languages),
        criteria=criteria,
        results=_bullets(results, "- no results yet"),
    )


# ------------------------------------------------------------------------------------ cache


class QuestionCache:
    """Recently generated question sets, keyed by a hash of the model, request and profile."""

    def __init__(self, size: int, seconds: float, clock: Callable[[], float] = time.monotonic):
        self.size = size
        self.seconds = seconds
        self.clock = clock
        self._entries: OrderedDict[str, tuple[float, list[Question]]] = OrderedDict()

    @staticmethod
    def key(model: str, request: QuestionRequest, profile: CandidateProfile) -> str:
        material = json.dumps(
            [model, request.model_dump(mode="json"), profile.model_dump(mode="json")],
            sort_keys=True,
        )
        return hashlib.sha256(material.encode()).hexdigest()

    def get(self, key: str) -> list[Question] | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        expires, questions = entry
        if self.clock() >= expires:
            del self._entries[key]
            return None
        self._entries.move_to_end(key)
        return [question.model_copy(deep=True) for question in questions]

    def put(self, key: str, questions: list[Question]) -> None:
        if self.size == 0 or self.seconds == 0:
            return
        self._entries[key] = (self.clock() + self.seconds, questions)
        self._entries.move_to_end(key)
        while len(self._entries) > self.size:
            self._entries.popitem(last=False)


# ----------------------------------------------------------------------------------- errors


@contextmanager
def _translated_errors() -> Iterator[None]:
    """The SDK's exceptions as ``ProviderError``s whose reasons never quote a response body."""
    try:
        yield
    except openai.APITimeoutError as error:
        # Not retried: the time budget is already spent and the candidate is waiting.
        raise ProviderError("timeout") from error
    except openai.APIConnectionError as error:
        raise ProviderError("connection failed", retryable=True) from error
    except openai.APIStatusError as error:
        raise _status_error(error) from error
    except openai.OpenAIError as error:
        raise ProviderError(f"client error ({type(error).__name__})") from error


def _status_error(error: openai.APIStatusError) -> ProviderError:
    status = error.status_code
    retry_after = retry_after_seconds(error.response.headers)
    if status == 429:
        return ProviderError("rate limited (429)", retryable=True, retry_after=retry_after)
    if status >= 500:
        return ProviderError(f"server error ({status})", retryable=True, retry_after=retry_after)
    if status in (401, 403):
        return ProviderError(f"not authorised ({status}): check the API key")
    if status == 404:
        return ProviderError("not found (404): check the base URL and model name")
    return ProviderError(f"request rejected ({status})")


def _problem(error: ValidationError) -> str:
    lines = []
    for item in error.errors(include_url=False)[:8]:
        where = ".".join(str(part) for part in item["loc"]) or "reply"
        lines.append(f"{where}: {item['msg']}")
    return "; ".join(lines)[:_PROBLEM_LIMIT]


def _strip_fences(text: str) -> str:
    """Small local models often wrap JSON in a Markdown code fence even when asked not to."""
    text = text.strip()
    if text.startswith("```"):
        text = text.split("\n", 1)[1] if "\n" in text else ""
        text = text.rsplit("```", 1)[0]
    return text.strip()


# ----------------------------------------------------------------------------------- engine


class OpenAICompatibleEngine:
    name = "openai"

    def __init__(self, settings: AiSettings, client: AsyncOpenAI | None = None) -> None:
        self.settings = settings
        self.model_name = settings.model
        self.client = client or AsyncOpenAI(
            base_url=settings.base_url,
            api_key=settings.api_key.get_secret_value() or _PLACEHOLDER_KEY,
            max_retries=0,
            timeout=settings.timeout_seconds,
        )
        self.retry_policy = RetryPolicy(
            settings.max_retries, settings.retry_base_seconds, settings.retry_max_seconds
        )
        self.breaker = CircuitBreaker(
            settings.circuit_failure_threshold, settings.circuit_cooldown_seconds
        )
        self.question_cache = QuestionCache(
            settings.question_cache_size, settings.question_cache_seconds
        )

    async def generate_questions(
        self, request: QuestionRequest, profile: CandidateProfile
    ) -> list[Question]:
        model = self._model("generate_questions")
        key = QuestionCache.key(model, request, profile)
        cached = self.question_cache.get(key)
        if cached is not None:
            self._note("served from cache")
            return cached

        def enough(reply: QuestionSet) -> str | None:
            found = len(reply.questions)
            if found < request.count:
                return f"{request.count} questions were asked for, {found} given"
            return None

        schema = QuestionSet.model_json_schema()
        schema["properties"]["questions"]["minItems"] = request.count
        reply = await self._structured(
            model,
            render("questions_system"),
            questions_prompt(request, profile),
            QuestionSet,
            schema=schema,
            check=enough,
        )
        # The request decides type and difficulty; a slug would wrongly link a bank question.
        questions = [
            question.model_copy(
                update={
                    "question_type": request.question_type,
                    "difficulty": request.difficulty,
                    "slug": None,
                }
            )
            for question in reply.questions[: request.count]
        ]
        self.question_cache.put(key, questions)
        return [question.model_copy(deep=True) for question in questions]

    async def evaluate(self, item: AnswerToGrade) -> Evaluation:
        return await self._structured(
            self._model("evaluate"), render("evaluation_system"), answer_prompt(item), Evaluation
        )

    async def study_plan(self, history: PerformanceHistory) -> StudyPlan:
        return await self._structured(
            self._model("study_plan"),
            render("study_plan_system"),
            history_prompt(history),
            StudyPlan,
        )

    async def evaluate_stream(self, item: AnswerToGrade) -> AsyncGenerator[str, None]:
        """The answer's feedback as prose, chunk by chunk, while the model writes it."""
        model = self._model("evaluate")
        messages: Messages = [
            {"role": "system", "content": render("feedback_system")},
            {"role": "user", "content": answer_prompt(item)},
        ]
        with self.breaker.protect():
            stream = await with_retries(
                lambda: self._open_stream(model, messages), self.retry_policy
            )
        try:
            with _translated_errors():
                async for chunk in stream:
                    self._account(model, chunk.usage)
                    for choice in chunk.choices:
                        if choice.delta.content:
                            yield choice.delta.content
        finally:
            await stream.close()

    # ------------------------------------------------------------------------- internals

    def _model(self, task: Task) -> str:
        model = self.settings.model_for(task)
        report = current_report()
        if report is not None:
            report.model = model
        return model

    def _note(self, detail: str) -> None:
        report = current_report()
        if report is not None:
            report.note(detail)

    def _account(self, model: str, usage: CompletionUsage | None) -> None:
        report = current_report()
        if usage is None or report is None:
            return
        report.add_usage(
            usage.prompt_tokens,
            usage.completion_tokens,
            self.settings.cost(model, usage.prompt_tokens, usage.completion_tokens),
        )

    def _response_format(self, output: type[BaseModel], schema: dict[str, Any]) -> ResponseFormat:
        if self.settings.structured_output == "json_schema":
            # Not strict: strict mode forbids optional fields and defaults, which our models use;
            # the reply is validated by the model anyway.
            return {
                "type": "json_schema",
                "json_schema": {"name": output.__name__, "schema": schema, "strict": False},
            }
        return {"type": "json_object"}

    def _output_instructions(self, schema: dict[str, Any]) -> str:
        if self.settings.structured_output == "json_schema":
            return render("output_json_schema")
        return render("output_json_object", schema=json.dumps(schema, separators=(",", ":")))

    async def _structured(
        self,
        model: str,
        system: str,
        user: str,
        output: type[Output],
        *,
        schema: dict[str, Any] | None = None,
        check: Callable[[Output], str | None] | None = None,
    ) -> Output:
        schema = schema or output.model_json_schema()
        response_format = self._response_format(output, schema)
        messages: Messages = [
            {"role": "system", "content": f"{system}\n\n{self._output_instructions(schema)}"},
            {"role": "user", "content": user},
        ]
        content = await self._complete(model, messages, response_format)
        result, problem = self._parse(content, output, check)
        if result is not None:
            return result
        # One repair: show the model its reply and what was wrong with it.
        messages += [
            {"role": "assistant", "content": content},
            {"role": "user", "content": render("repair", problem=problem)},
        ]
        content = await self._complete(model, messages, response_format)
        result, _ = self._parse(content, output, check)
        if result is None:
            raise InvalidOutput("invalid output, also after a repair request")
        self._note("repaired invalid output")
        return result

    @staticmethod
    def _parse(
        content: str, output: type[Output], check: Callable[[Output], str | None] | None
    ) -> tuple[Output | None, str]:
        if not content.strip():
            return None, "the reply was empty"
        try:
            result = output.model_validate_json(_strip_fences(content))
        except ValidationError as error:
            return None, _problem(error)
        problem = check(result) if check else None
        return (None, problem) if problem else (result, "")

    async def _complete(
        self, model: str, messages: Messages, response_format: ResponseFormat
    ) -> str:
        async def attempt() -> ChatCompletion:
            with _translated_errors():
                return await self.client.chat.completions.create(
                    model=model,
                    messages=messages,
                    response_format=response_format,
                    temperature=self._temperature(),
                )

        with self.breaker.protect():
            completion = await with_retries(attempt, self.retry_policy)
        self._account(model, completion.usage)
        if not completion.choices:
            return ""
        return completion.choices[0].message.content or ""

    async def _open_stream(
        self, model: str, messages: Messages
    ) -> openai.AsyncStream[ChatCompletionChunk]:
        with _translated_errors():
            return await self.client.chat.completions.create(
                model=model,
                messages=messages,
                stream=True,
                stream_options={"include_usage": True},
                temperature=self._temperature(),
            )

    def _temperature(self) -> float | Omit:
        temperature = self.settings.temperature
        return omit if temperature is None else temperature

"""The curated question bank: YAML files in ``bank/``, one per area, validated on load."""

from __future__ import annotations

import re
from functools import cache
from importlib import resources
from typing import Self

import yaml
from pydantic import BaseModel, Field, field_validator, model_validator

from mockroom.ai.schemas import Difficulty, Misconception, Question, QuestionType

SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class BankEntry(BaseModel):
    slug: str = Field(min_length=3, max_length=120)
    difficulty: Difficulty
    prompt: str = Field(min_length=15, max_length=1200)
    reference_answer: str = Field(min_length=80, max_length=4000)
    key_points: list[str] = Field(min_length=3, max_length=6)
    follow_ups: list[str] = Field(min_length=1, max_length=3)
    misconceptions: list[Misconception] = Field(default_factory=list, max_length=4)
    tags: list[str] = Field(default_factory=list, max_length=12)

    @field_validator("slug")
    @classmethod
    def _slug_shape(cls, value: str) -> str:
        if not SLUG_PATTERN.match(value):
            raise ValueError("slug must be lower-case words joined by hyphens")
        return value

    @field_validator("key_points", "follow_ups", "tags")
    @classmethod
    def _no_blank_items(cls, values: list[str]) -> list[str]:
        if any(not item.strip() for item in values):
            raise ValueError("items must not be blank")
        return values


class BankFile(BaseModel):
    area: str = Field(min_length=2, max_length=60)
    question_type: QuestionType
    title: str = Field(min_length=2, max_length=80)
    questions: list[BankEntry] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_slugs(self) -> Self:
        slugs = [entry.slug for entry in self.questions]
        duplicates = sorted({slug for slug in slugs if slugs.count(slug) > 1})
        if duplicates:
            raise ValueError(f"duplicate slugs: {', '.join(duplicates)}")
        return self


def bank_files() -> list[BankFile]:
    folder = resources.files("mockroom.questions") / "bank"
    files = []
    for item in sorted(folder.iterdir(), key=lambda path: path.name):
        if item.name.endswith(".yaml"):
            files.append(BankFile.model_validate(yaml.safe_load(item.read_text("utf-8"))))
    return files


@cache
def load_bank() -> tuple[Question, ...]:
    """Every bank question as an engine ``Question``, area tags included; cached for the process."""
    questions: list[Question] = []
    seen: set[str] = set()
    for bank_file in bank_files():
        for entry in bank_file.questions:
            if entry.slug in seen:
                raise ValueError(f"slug {entry.slug!r} appears in more than one bank file")
            seen.add(entry.slug)
            tags = sorted({bank_file.area, *(tag.lower() for tag in entry.tags)})
            questions.append(
                Question(
                    slug=entry.slug,
                    question_type=bank_file.question_type,
                    area=bank_file.area,
                    difficulty=entry.difficulty,
                    prompt=entry.prompt.strip(),
                    reference_answer=entry.reference_answer.strip(),
                    key_points=entry.key_points,
                    follow_ups=entry.follow_ups,
                    misconceptions=entry.misconceptions,
                    tags=tags,
                )
            )
    return tuple(questions)

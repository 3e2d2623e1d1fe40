"""Dependency names from the manifest files at a repository's root.

Each parser returns lower-case names (Python's normalised with hyphens, Maven's as
``group:artifact``, Go's as module paths). A file that does not parse yields nothing: a
broken manifest in someone's repository is theirs to fix, not a reason to fail a sync.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Callable, Iterable
from typing import Any

# Larger files are not fetched; real manifests are a few kilobytes.
MAX_MANIFEST_BYTES = 200_000
MAX_DEPENDENCIES = 300

PYTHON_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")
GO_REQUIRE_LINE = re.compile(r"^\s*(?:require\s+)?([^\s()]+)\s+v\S+", re.MULTILINE)
MAVEN_BLOCK = re.compile(r"<(dependency|parent|plugin)>(.*?)</\1>", re.DOTALL)
MAVEN_GROUP = re.compile(r"<groupId>\s*([^<\s]+)\s*</groupId>")
MAVEN_ARTIFACT = re.compile(r"<artifactId>\s*([^<\s]+)\s*</artifactId>")


def python_name(requirement: str) -> str | None:
    """The distribution name of a PEP 508 requirement, normalised as PyPI does."""
    found = PYTHON_NAME.match(requirement)
    if not found:
        return None
    return re.sub(r"[-_.]+", "-", found.group(1)).lower()


def _strings(values: Any) -> list[str]:
    return [value for value in values if isinstance(value, str)] if isinstance(values, list) else []


def _keys(table: Any) -> list[str]:
    return list(table) if isinstance(table, dict) else []


def package_json(text: str) -> list[str]:
    data = json.loads(text)
    if not isinstance(data, dict):
        return []
    sections = ("dependencies", "devDependencies", "peerDependencies", "optionalDependencies")
    return [name.lower() for section in sections for name in _keys(data.get(section))]


def pyproject_toml(text: str) -> list[str]:
    data = tomllib.loads(text)
    project = data.get("project", {})
    requirements = _strings(project.get("dependencies"))
    for group in (project.get("optional-dependencies") or {}).values():
        requirements += _strings(group)
    for group in (data.get("dependency-groups") or {}).values():
        requirements += _strings(group)
    poetry = data.get("tool", {}).get("poetry", {})
    requirements += [name for name in _keys(poetry.get("dependencies")) if name != "python"]
    for group in (poetry.get("group") or {}).values():
        requirements += _keys(group.get("dependencies") if isinstance(group, dict) else None)
    return [name for name in map(python_name, requirements) if name]


def requirements_txt(text: str) -> list[str]:
    names = []
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if line and not line.startswith("-"):
            name = python_name(line)
            if name:
                names.append(name)
    return names


def go_mod(text: str) -> list[str]:
    modules = []
    in_block = False
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("require ("):
            in_block = True
            continue
        if in_block and stripped == ")":
            in_block = False
            continue
        if in_block or stripped.startswith("require "):
            found = GO_REQUIRE_LINE.match(stripped)
            if found:
                modules.append(found.group(1).lower())
    return modules


def cargo_toml(text: str) -> list[str]:
    data = tomllib.loads(text)
    tables = [data, data.get("workspace", {})]
    tables += [target for target in (data.get("target") or {}).values() if isinstance(target, dict)]
    sections = ("dependencies", "dev-dependencies", "build-dependencies")
    return [
        name.lower()
        for table in tables
        if isinstance(table, dict)
        for section in sections
        for name in _keys(table.get(section))
    ]


def pom_xml(text: str) -> list[str]:
    # A regular expression, not an XML parser: no entity expansion or external fetches can
    # be triggered by a file from someone else's repository.
    names = []
    for _, block in MAVEN_BLOCK.findall(text):
        group = MAVEN_GROUP.search(block)
        artifact = MAVEN_ARTIFACT.search(block)
        if artifact:
            prefix = f"{group.group(1).lower()}:" if group else ""
            names.append(prefix + artifact.group(1).lower())
    return names


PARSERS: dict[str, Callable[[str], list[str]]] = {
    "package.json": package_json,
    "pyproject.toml": pyproject_toml,
    "requirements.txt": requirements_txt,
    "go.mod": go_mod,
    "Cargo.toml": cargo_toml,
    "pom.xml": pom_xml,
}


def dependencies(filename: str, text: str) -> list[str]:
    """The sorted, distinct dependency names in a manifest; none when it cannot be read."""
    parser = PARSERS.get(filename)
    if parser is None:
        return []
    try:
        names: Iterable[str] = parser(text)
    except (ValueError, TypeError, AttributeError, tomllib.TOMLDecodeError):
        return []
    return sorted(set(names))[:MAX_DEPENDENCIES]

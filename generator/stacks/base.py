"""What every stack plug-in provides (the `Stack` protocol) and helpers they share."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

try:  # Python 3.11+
    import tomllib
except ModuleNotFoundError:  # pragma: no cover - Python 3.10
    tomllib = None  # type: ignore[assignment]


@dataclass
class Detection:
    """What a stack recognised in a source tree; `answers` only holds what it is sure of."""

    stack: str
    evidence: list[str]
    answers: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Runtime:
    """Values a Dockerfile needs that follow from the answers and the base image, not asked of the user."""

    entrypoint: list[str]
    healthcheck: list[str]
    env: dict[str, str]


class Stack(Protocol):
    """One plug-in module per stack meets this protocol (see generator/stacks/__init__.py)."""

    NAME: str
    PACKAGE_MANAGERS: tuple[str, ...]
    DEFAULT_PORT: int

    def detect(self, root: Path) -> Detection | None: ...

    def default_command(self, answers: dict[str, Any]) -> list[str]: ...

    def runtime(self, answers: dict[str, Any], runtime_image_has_shell: bool) -> Runtime: ...

    # Optional (see the helpers in generator/stacks/__init__.py):
    #   FRAMEWORKS: tuple[str, ...]       the `framework` choices, default first (else ("none",))
    #   MAIN_PACKAGE: str                 the default `main_package` (the question is asked only when set)
    #   writable_paths(answers) -> list   the `writable_paths` default: what the runtime must write
    #   SERVES_HTTP: bool                 False when the port speaks another protocol (else True)


def read_json(path: Path) -> dict[str, Any]:
    """A JSON object from `path`, or {} when it is missing or unreadable (detection never fails)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def read_toml(path: Path) -> dict[str, Any]:
    if tomllib is None:
        return {}
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except (OSError, ValueError):
        return {}


def read_text(path: Path, limit: int = 65536) -> str:
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            return fh.read(limit)
    except OSError:
        return ""


def first_version(text: str, pattern: str = r"(\d+(?:\.\d+)?)") -> str | None:
    """The first `major[.minor]` found in a version spec such as `>=3.12,<4` or `v22.3.0`."""
    match = re.search(pattern, text or "")
    return match.group(1) if match else None


def pick_version(wanted: str | None, available: list[str]) -> str | None:
    """The catalog version matching a detected one: exact, or same major (`22.3` -> `22`, `3.12.4` -> `3.12`)."""
    if not wanted:
        return None
    for version in available:
        if wanted == version or wanted.startswith(version + "."):
            return version
    return None


def health_url(answers: dict[str, Any]) -> str:
    """The URL the health check asks, inside the container."""
    return f"http://127.0.0.1:{answers['port']}{answers['health_path']}"


def files_below(root: Path, pattern: str, depth: int = 2) -> list[Path]:
    """Files matching `pattern` in `root` and up to `depth` levels below, skipping hidden and build folders."""
    skip = {"node_modules", "vendor", "target", "bin", "obj", "build", "dist"}
    found: list[Path] = []
    for level in range(depth + 1):
        for path in sorted(root.glob("/".join(["*"] * level + [pattern]))):
            parts = path.relative_to(root).parts[:-1]
            if path.is_file() and not any(p.startswith(".") or p in skip for p in parts):
                found.append(path)
    return found

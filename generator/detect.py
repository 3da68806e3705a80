"""Detection of a service's stack and details from its source tree, through the stack plug-ins."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from . import stacks
from .stacks.base import Detection


def slugify(name: str) -> str:
    """A DNS-label slug for a detected name (`My_Service` -> `my-service`); '' when nothing is left."""
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    slug = re.sub(r"^[^a-z]+", "", slug)[:63].rstrip("-")
    return slug


def detect_all(root: Path) -> list[Detection]:
    """Every stack that recognises `root` (several means the user must choose)."""
    if not root.is_dir():
        return []
    return [d for d in (module.detect(root) for module in stacks.STACKS.values()) if d]


def detected_answers(root: Path, detections: list[Detection]) -> dict[str, Any]:
    """Answers to pre-fill: from the single matching stack, plus the directory name as service name."""
    answers: dict[str, Any] = {}
    name = slugify(root.resolve().name) if root.exists() else ""
    if name:
        answers["service_name"] = name
    if len(detections) == 1:
        answers.update(detections[0].answers)
        answers["stack"] = detections[0].stack
    if "service_name" in answers:
        answers["service_name"] = slugify(str(answers["service_name"])) or name
    return {k: v for k, v in answers.items() if v not in (None, "")}

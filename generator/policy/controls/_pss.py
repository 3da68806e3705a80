"""Turn Pod Security violations (from generator.policy.pss, the one evaluator) into findings of one level."""

from __future__ import annotations

from typing import Iterator

from .. import pss
from ..finding import Hit
from ._k8s import hit, templates


def violations(obj: dict, level: str, version: str) -> Iterator[Hit]:
    for template in templates(obj):
        for v in pss.evaluate(template, level, version, own_level_only=True):
            yield hit(obj, v.field_path, f"{template.kind} {template.name}: {v.check_id}: {v.message}")

"""DS205: long-running containers have readiness and liveness probes."""

from __future__ import annotations

from typing import Iterator

from ..finding import Hit
from ._k8s import NO_PROBES_KINDS, hit, templates

ID = "DS205"
TARGET = "kubernetes"


def check(obj: dict) -> Iterator[Hit]:
    for template in templates(obj):
        if template.kind in NO_PROBES_KINDS:
            continue
        items = template.spec.get("containers")
        for i, c in enumerate(items if isinstance(items, list) else []):
            if not isinstance(c, dict):
                continue
            missing = [p for p in ("readinessProbe", "livenessProbe") if not c.get(p)]
            if missing:
                yield hit(obj, f"{template.path}.containers[{i}]",
                          f"container {c.get('name')!r} has no {' or '.join(missing)}")

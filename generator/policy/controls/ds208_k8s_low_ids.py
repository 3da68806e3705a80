"""DS208: containers run with UID and GID of at least 10000."""

from __future__ import annotations

from typing import Iterator

from ..finding import Hit
from ._k8s import containers, hit, sc, templates

ID = "DS208"
TARGET = "kubernetes"
MINIMUM = 10000


def check(obj: dict) -> Iterator[Hit]:
    for template in templates(obj):
        pod = sc(template.spec)
        for c, path in containers(template):
            for key in ("runAsUser", "runAsGroup"):
                value = sc(c).get(key, pod.get(key))
                where = f"{path}.securityContext.{key}" if key in sc(c) else f"{template.path}.securityContext.{key}"
                if value is None:
                    yield hit(obj, where, f"container {c.get('name')!r} sets no {key} (use >= {MINIMUM})")
                elif isinstance(value, int) and value < MINIMUM:
                    yield hit(obj, where, f"container {c.get('name')!r}: {key} {value} is below {MINIMUM}")

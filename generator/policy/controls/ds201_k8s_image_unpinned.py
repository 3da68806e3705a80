"""DS201: container images are pinned by digest."""

from __future__ import annotations

from typing import Iterator

from ..finding import Hit
from ._k8s import containers, hit, templates
from ._util import unpinned_reason

ID = "DS201"
TARGET = "kubernetes"


def check(obj: dict) -> Iterator[Hit]:
    for template in templates(obj):
        for c, path in containers(template):
            reason = unpinned_reason(str(c.get("image", "")))
            if reason:
                yield hit(obj, f"{path}.image", f"container {c.get('name')!r}: {reason}")

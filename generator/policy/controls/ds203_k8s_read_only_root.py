"""DS203: containers have a read-only root filesystem."""

from __future__ import annotations

from typing import Iterator

from ..finding import Hit
from ._k8s import containers, hit, sc, templates

ID = "DS203"
TARGET = "kubernetes"


def check(obj: dict) -> Iterator[Hit]:
    for template in templates(obj):
        for c, path in containers(template):
            if sc(c).get("readOnlyRootFilesystem") is not True:
                yield hit(obj, f"{path}.securityContext.readOnlyRootFilesystem",
                          f"container {c.get('name')!r}: readOnlyRootFilesystem is not true")

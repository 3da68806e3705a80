"""DS202: imagePullPolicy is Always."""

from __future__ import annotations

from typing import Iterator

from ..finding import Hit
from ._k8s import containers, hit, templates

ID = "DS202"
TARGET = "kubernetes"


def check(obj: dict) -> Iterator[Hit]:
    for template in templates(obj):
        for c, path in containers(template):
            if c.get("imagePullPolicy") != "Always":
                yield hit(obj, f"{path}.imagePullPolicy",
                          f"container {c.get('name')!r}: imagePullPolicy is {c.get('imagePullPolicy', 'unset')}")

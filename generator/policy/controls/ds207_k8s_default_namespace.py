"""DS207: workloads are not placed in the default namespace."""

from __future__ import annotations

from typing import Iterator

from ..finding import Hit
from ._k8s import hit, templates

ID = "DS207"
TARGET = "kubernetes"


def check(obj: dict) -> Iterator[Hit]:
    metadata = obj.get("metadata") if isinstance(obj.get("metadata"), dict) else {}
    if metadata.get("namespace") == "default" and templates(obj):
        yield hit(obj, "metadata.namespace", f"{obj.get('kind')} {metadata.get('name')} is in the default namespace")

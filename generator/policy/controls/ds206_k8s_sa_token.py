"""DS206: pods do not mount a service account token."""

from __future__ import annotations

from typing import Iterator

from ..finding import Hit
from ._k8s import hit, templates

ID = "DS206"
TARGET = "kubernetes"


def check(obj: dict) -> Iterator[Hit]:
    for template in templates(obj):
        if template.spec.get("automountServiceAccountToken") is not False:
            yield hit(obj, f"{template.path}.automountServiceAccountToken",
                      f"{template.kind} {template.name}: automountServiceAccountToken is not false")

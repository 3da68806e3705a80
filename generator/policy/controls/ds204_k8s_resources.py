"""DS204: containers request and limit CPU and memory."""

from __future__ import annotations

from typing import Iterator

from ..finding import Hit
from ._k8s import containers, hit, templates

ID = "DS204"
TARGET = "kubernetes"


def check(obj: dict) -> Iterator[Hit]:
    for template in templates(obj):
        for c, path in containers(template):
            res = c.get("resources") if isinstance(c.get("resources"), dict) else {}
            missing = [f"{kind}.{what}" for kind in ("requests", "limits") for what in ("cpu", "memory")
                       if not (isinstance(res.get(kind), dict) and res[kind].get(what))]
            if missing:
                yield hit(obj, f"{path}.resources", f"container {c.get('name')!r} has no {', '.join(missing)}")

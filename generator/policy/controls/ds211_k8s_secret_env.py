"""DS211: secrets reach containers as files, not environment variables."""

from __future__ import annotations

from typing import Iterator

from ..finding import Hit
from ._k8s import containers, hit, templates

ID = "DS211"
TARGET = "kubernetes"


def check(obj: dict) -> Iterator[Hit]:
    for template in templates(obj):
        for c, path in containers(template):
            for i, env in enumerate(c.get("env") if isinstance(c.get("env"), list) else []):
                if isinstance(env, dict) and isinstance(env.get("valueFrom"), dict) \
                        and "secretKeyRef" in env["valueFrom"]:
                    yield hit(obj, f"{path}.env[{i}]", f"container {c.get('name')!r}: env {env.get('name')} "
                              "comes from a secret")
            for i, src in enumerate(c.get("envFrom") if isinstance(c.get("envFrom"), list) else []):
                if isinstance(src, dict) and "secretRef" in src:
                    yield hit(obj, f"{path}.envFrom[{i}]", f"container {c.get('name')!r}: envFrom a secret")

"""DS111: compose services have memory, CPU and PID limits."""

from __future__ import annotations

from typing import Iterator

from ..finding import Hit
from ._compose import hit

ID = "DS111"
TARGET = "compose"


def check(name: str, service: dict) -> Iterator[Hit]:
    deploy = service.get("deploy") if isinstance(service.get("deploy"), dict) else {}
    resources = deploy.get("resources") if isinstance(deploy.get("resources"), dict) else {}
    limits = resources.get("limits") if isinstance(resources.get("limits"), dict) else {}
    missing = [what for what, keys in (("memory", ("mem_limit",)), ("cpu", ("cpus", "cpu_quota")),
                                        ("pids", ("pids_limit",)))
               if not any(service.get(k) for k in keys) and not limits.get({"cpu": "cpus"}.get(what, what))]
    if missing:
        yield hit(service, None, f"service {name} has no {', '.join(missing)} limit")

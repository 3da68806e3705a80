"""DS112: compose services have a health check that is not disabled."""

from __future__ import annotations

from typing import Iterator

from ..finding import Hit
from ._compose import hit

ID = "DS112"
TARGET = "compose"


def check(name: str, service: dict) -> Iterator[Hit]:
    health = service.get("healthcheck")
    if health is None:
        yield hit(service, None, f"service {name} has no healthcheck")
    elif isinstance(health, dict) and (health.get("disable") is True or health.get("test") in (["NONE"], "NONE")):
        yield hit(service, "healthcheck", f"service {name} disables its healthcheck")

"""DS107: compose services have a read-only root filesystem."""

from __future__ import annotations

from typing import Iterator

from ..finding import Hit
from ._compose import hit

ID = "DS107"
TARGET = "compose"


def check(name: str, service: dict) -> Iterator[Hit]:
    if service.get("read_only") is not True:
        yield hit(service, "read_only" if "read_only" in service else None,
                  f"service {name}: root filesystem is writable (read_only: true)")

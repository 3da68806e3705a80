"""DS104: no privileged compose services."""

from __future__ import annotations

from typing import Iterator

from ..finding import Hit
from ._compose import hit

ID = "DS104"
TARGET = "compose"


def check(name: str, service: dict) -> Iterator[Hit]:
    if service.get("privileged") is True:
        yield hit(service, "privileged", f"service {name} is privileged")

"""DS106: compose services drop all capabilities and add none."""

from __future__ import annotations

from typing import Iterator

from ..finding import Hit
from ._compose import hit

ID = "DS106"
TARGET = "compose"


def check(name: str, service: dict) -> Iterator[Hit]:
    drop = service.get("cap_drop")
    if not (isinstance(drop, list) and "ALL" in [str(c).upper() for c in drop]):
        yield hit(service, "cap_drop" if "cap_drop" in service else None, f"service {name} does not drop ALL capabilities")
    if service.get("cap_add"):
        yield hit(service, "cap_add", f"service {name} adds capabilities {service['cap_add']}")

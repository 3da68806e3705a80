"""DS114: no `restart: always`."""

from __future__ import annotations

from typing import Iterator

from ..finding import Hit
from ._compose import hit

ID = "DS114"
TARGET = "compose"


def check(name: str, service: dict) -> Iterator[Hit]:
    if str(service.get("restart", "")).lower() == "always":
        yield hit(service, "restart", f"service {name}: restart: always; use on-failure:5 or unless-stopped")

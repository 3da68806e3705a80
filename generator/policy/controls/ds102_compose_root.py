"""DS102: a compose service does not run as root."""

from __future__ import annotations

from typing import Iterator

from ..finding import Hit
from ._compose import hit
from ._util import is_root

ID = "DS102"
TARGET = "compose"


def check(name: str, service: dict) -> Iterator[Hit]:
    if "user" in service and is_root(service["user"]):
        yield hit(service, "user", f"service {name} runs as root ({service['user']!r})")

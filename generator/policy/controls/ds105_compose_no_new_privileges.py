"""DS105: compose services set no-new-privileges."""

from __future__ import annotations

from typing import Iterator

from ..finding import Hit
from ._compose import hit, security_opts

ID = "DS105"
TARGET = "compose"
_ON = {"no-new-privileges", "no-new-privileges:true", "no-new-privileges=true"}


def check(name: str, service: dict) -> Iterator[Hit]:
    if not _ON & {o.replace(" ", "").lower() for o in security_opts(service)}:
        yield hit(service, "security_opt" if "security_opt" in service else None,
                  f"service {name}: security_opt lacks no-new-privileges:true")

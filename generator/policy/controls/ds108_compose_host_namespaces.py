"""DS108: compose services share no host namespace."""

from __future__ import annotations

from typing import Iterator

from ..finding import Hit
from ._compose import hit

ID = "DS108"
TARGET = "compose"
_KEYS = ("network_mode", "pid", "ipc", "uts", "userns_mode", "cgroup")


def check(name: str, service: dict) -> Iterator[Hit]:
    for key in _KEYS:
        if str(service.get(key, "")).lower() == "host":
            yield hit(service, key, f"service {name} shares the host's namespace ({key}: host)")

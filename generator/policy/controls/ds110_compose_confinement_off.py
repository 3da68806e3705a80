"""DS110: seccomp, AppArmor and SELinux stay on in compose services."""

from __future__ import annotations

from typing import Iterator

from ..finding import Hit
from ._compose import hit, security_opts

ID = "DS110"
TARGET = "compose"


def check(name: str, service: dict) -> Iterator[Hit]:
    for opt in security_opts(service):
        norm = opt.replace("=", ":").replace(" ", "").lower()
        if norm in ("seccomp:unconfined", "apparmor:unconfined", "label:disable", "systempaths:unconfined"):
            yield hit(service, "security_opt", f"service {name}: security_opt {opt} turns confinement off")

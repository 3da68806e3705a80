"""DS103: a compose service sets a numeric user."""

from __future__ import annotations

from typing import Iterator

from ..finding import Hit
from ._compose import hit
from ._util import is_root, numeric_user

ID = "DS103"
TARGET = "compose"


def check(name: str, service: dict) -> Iterator[Hit]:
    if "user" not in service:
        yield hit(service, None, f"service {name} sets no user; the image decides (often root)")
    elif not numeric_user(service["user"]) and not is_root(service["user"]):
        yield hit(service, "user", f"service {name}: user {service['user']!r} is not a numeric UID:GID")

"""DS101: services that are not built here name their image by digest."""

from __future__ import annotations

from typing import Iterator

from ..dockerfile import substitute
from ..finding import Hit
from ._compose import hit
from ._util import unpinned_reason

ID = "DS101"
TARGET = "compose"


def check(name: str, service: dict) -> Iterator[Hit]:
    image = service.get("image")
    if "build" in service or not isinstance(image, str):
        return  # a built service's image is the name of the build's result
    reason = unpinned_reason(substitute(image, {}))
    if reason:
        yield hit(service, "image", f"service {name}: {reason}")

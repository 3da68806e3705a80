"""DS005: the final stage has a HEALTHCHECK (not NONE)."""

from __future__ import annotations

from typing import Iterator

from ..dockerfile import DockerfileDoc
from ..finding import Hit
from ._util import at

ID = "DS005"
TARGET = "dockerfile"


def check(doc: DockerfileDoc) -> Iterator[Hit]:
    stage = doc.final
    if stage is None:
        return
    chain = [stage]
    while chain[-1].parent is not None:
        chain.append(chain[-1].parent)
    found = next((s.last("HEALTHCHECK") for s in chain if s.last("HEALTHCHECK")), None)
    if found is None:
        yield at(stage.from_, "the final stage has no HEALTHCHECK")
    elif found.args and found.args[0].upper() == "NONE":
        yield at(found, "HEALTHCHECK NONE disables the health check")

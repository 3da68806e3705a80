"""DS015: stage names are unique."""

from __future__ import annotations

from typing import Iterator

from ..dockerfile import DockerfileDoc
from ..finding import Hit
from ._util import at

ID = "DS015"
TARGET = "dockerfile"


def check(doc: DockerfileDoc) -> Iterator[Hit]:
    seen: set[str] = set()
    for stage in doc.stages:
        if stage.name in seen:
            yield at(stage.from_, f"stage name {stage.name!r} is used twice")
        if stage.name:
            seen.add(stage.name)

"""DS001: every external FROM names a digest."""

from __future__ import annotations

from typing import Iterator

from ..dockerfile import DockerfileDoc
from ..finding import Hit
from ._util import at, unpinned_reason

ID = "DS001"
TARGET = "dockerfile"


def check(doc: DockerfileDoc) -> Iterator[Hit]:
    for stage in doc.stages:
        if stage.external:
            reason = unpinned_reason(stage.image)
            if reason:
                yield at(stage.from_, reason)

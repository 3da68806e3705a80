"""DS006: COPY, not ADD."""

from __future__ import annotations

from typing import Iterator

from ..dockerfile import DockerfileDoc
from ..finding import Hit
from ._util import at

ID = "DS006"
TARGET = "dockerfile"


def check(doc: DockerfileDoc) -> Iterator[Hit]:
    for ins in doc.instructions:
        if ins.cmd == "ADD":
            yield at(ins, "ADD used; use COPY (and a verified download for remote files)")

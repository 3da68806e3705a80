"""DS007: WORKDIR is absolute."""

from __future__ import annotations

from typing import Iterator

from ..dockerfile import DockerfileDoc
from ..finding import Hit
from ._util import at

ID = "DS007"
TARGET = "dockerfile"


def check(doc: DockerfileDoc) -> Iterator[Hit]:
    for ins in doc.instructions:
        if ins.cmd == "WORKDIR" and ins.args:
            path = ins.args[0].strip("\"'")
            if not (path.startswith("/") or path.startswith("$") or (len(path) > 1 and path[1] == ":")):
                yield at(ins, f"WORKDIR {path} is relative; use an absolute path")

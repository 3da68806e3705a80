"""DS008: CMD and ENTRYPOINT use the JSON exec form."""

from __future__ import annotations

from typing import Iterator

from ..dockerfile import DockerfileDoc
from ..finding import Hit
from ._util import at

ID = "DS008"
TARGET = "dockerfile"


def check(doc: DockerfileDoc) -> Iterator[Hit]:
    for ins in doc.instructions:
        if ins.cmd in ("CMD", "ENTRYPOINT") and ins.args and not ins.json:
            yield at(ins, f"{ins.cmd} in shell form runs under /bin/sh -c; use the JSON exec form")

"""DS014: a RUN with a pipe runs under a shell with pipefail."""

from __future__ import annotations

import re
from typing import Iterator

from ..dockerfile import DockerfileDoc, Stage
from ..finding import Hit
from ._util import at

ID = "DS014"
TARGET = "dockerfile"
_PIPE = re.compile(r"(?<![|])\|(?![|])")


def _ends_with_pipefail(stage: Stage | None) -> bool:
    """Whether the SHELL in force at the end of `stage` (its own, else the one it inherits from the stage it
    builds on) sets pipefail."""
    while stage is not None:
        shell = stage.last("SHELL")
        if shell is not None:
            return "pipefail" in shell.text
        stage = stage.parent
    return False


def check(doc: DockerfileDoc) -> Iterator[Hit]:
    for stage in doc.stages:
        pipefail = _ends_with_pipefail(stage.parent)
        for ins in stage.body:
            if ins.cmd == "SHELL":
                pipefail = "pipefail" in ins.text
            elif ins.cmd == "RUN" and not ins.json and _PIPE.search(ins.text) and not pipefail \
                    and "pipefail" not in ins.text:
                yield at(ins, "RUN uses a pipe without pipefail; a failing first command goes unnoticed")

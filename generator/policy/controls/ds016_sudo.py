"""DS016: no sudo in RUN."""

from __future__ import annotations

from typing import Iterator

from ..dockerfile import DockerfileDoc
from ..finding import Hit
from ._util import at, commands, runs

ID = "DS016"
TARGET = "dockerfile"


def check(doc: DockerfileDoc) -> Iterator[Hit]:
    for ins in runs(doc):
        if any(words[0] == "sudo" for words in commands(ins)):
            yield at(ins, "sudo in RUN; use USER to switch users")

"""DS011: apt-get install with --no-install-recommends."""

from __future__ import annotations

from typing import Iterator

from ..dockerfile import DockerfileDoc
from ..finding import Hit
from ._util import at, commands, runs

ID = "DS011"
TARGET = "dockerfile"


def check(doc: DockerfileDoc) -> Iterator[Hit]:
    for ins in runs(doc):
        for words in commands(ins):
            if words[:1] == ["apt-get"] and "install" in words and not any(
                    w in ("--no-install-recommends", "-o", "APT::Install-Recommends=false") for w in words):
                yield at(ins, "apt-get install without --no-install-recommends")
                break

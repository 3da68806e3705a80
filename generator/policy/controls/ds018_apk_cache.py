"""DS018: apk add with --no-cache."""

from __future__ import annotations

from typing import Iterator

from ..dockerfile import DockerfileDoc
from ..finding import Hit
from ._util import at, commands, runs

ID = "DS018"
TARGET = "dockerfile"


def check(doc: DockerfileDoc) -> Iterator[Hit]:
    for ins in runs(doc):
        for words in commands(ins):
            if words[:2] == ["apk", "add"] and "--no-cache" not in words and not any(
                    "/var/cache/apk" in f for f in ins.flags):
                yield at(ins, "apk add without --no-cache")
                break

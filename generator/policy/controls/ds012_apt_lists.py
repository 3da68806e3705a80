"""DS012: apt lists are removed in the RUN that created them (or live in a cache mount)."""

from __future__ import annotations

from typing import Iterator

from ..dockerfile import DockerfileDoc
from ..finding import Hit
from ._util import at, runs

ID = "DS012"
TARGET = "dockerfile"


def check(doc: DockerfileDoc) -> Iterator[Hit]:
    for ins in runs(doc):
        text = ins.text
        if ("apt-get update" in text or "apt update" in text) and "/var/lib/apt/lists" not in text and not any(
                "/var/lib/apt" in f for f in ins.flags):
            yield at(ins, "apt lists are left in the layer; end the RUN with rm -rf /var/lib/apt/lists/*")

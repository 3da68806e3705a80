"""DS017: downloads are not piped straight into a shell."""

from __future__ import annotations

import re
from typing import Iterator

from ..dockerfile import DockerfileDoc
from ..finding import Hit
from ._util import at, runs

ID = "DS017"
TARGET = "dockerfile"
_PATTERN = re.compile(r"\b(curl|wget)\b[^|;&]*\|\s*(sudo\s+)?(ba|z|da)?sh\b")


def check(doc: DockerfileDoc) -> Iterator[Hit]:
    for ins in runs(doc):
        if _PATTERN.search(ins.text):
            yield at(ins, "a download is piped into a shell without verification")

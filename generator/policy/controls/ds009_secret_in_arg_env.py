"""DS009: no secret-looking names in ARG or ENV."""

from __future__ import annotations

import re
from typing import Iterator

from ..dockerfile import DockerfileDoc
from ..finding import Hit
from ._util import at

ID = "DS009"
TARGET = "dockerfile"
SECRET_NAME = re.compile(r"(?i)(passw(or)?d|secret|token|api_?key|private_?key|credential|access_?key|auth)")
# Names that look secret but are not (they point at a secret or configure a tool).
NOT_SECRET = re.compile(r"(?i)(_file|_path|_dir|_url|_id|_user(name)?)$")


def _names(ins) -> list[str]:
    if ins.cmd == "ARG":
        return [a.partition("=")[0] for a in ins.args]
    return list(ins.args[0::2])


def check(doc: DockerfileDoc) -> Iterator[Hit]:
    for ins in doc.instructions:
        if ins.cmd in ("ARG", "ENV"):
            for name in _names(ins):
                if SECRET_NAME.search(name) and not NOT_SECRET.search(name):
                    yield at(ins, f"{ins.cmd} {name} looks like a secret; it is kept in the image metadata")

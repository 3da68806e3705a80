"""DS013: no SSH port, only valid ports in EXPOSE."""

from __future__ import annotations

import re
from typing import Iterator

from ..dockerfile import DockerfileDoc
from ..finding import Hit
from ._util import at

ID = "DS013"
TARGET = "dockerfile"
_PORT = re.compile(r"^(\d+)(?:-(\d+))?(?:/(tcp|udp|sctp))?$", re.I)


def check(doc: DockerfileDoc) -> Iterator[Hit]:
    for ins in doc.instructions:
        if ins.cmd != "EXPOSE":
            continue
        for spec in ins.args:
            m = _PORT.match(spec)
            if "$" in spec or m is None and not spec:
                continue
            if m is None:
                yield at(ins, f"EXPOSE {spec}: not a port")
                continue
            low, high = int(m.group(1)), int(m.group(2) or m.group(1))
            if high > 65535:
                yield at(ins, f"EXPOSE {spec}: ports run from 0 to 65535")
            elif low <= 22 <= high:
                yield at(ins, f"EXPOSE {spec} exposes SSH (22)")

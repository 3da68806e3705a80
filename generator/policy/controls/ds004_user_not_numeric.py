"""DS004: USER in the final stage is numeric (so runAsNonRoot can verify it)."""

from __future__ import annotations

from typing import Iterator

from ..dockerfile import DockerfileDoc
from ..finding import Hit
from ._util import at, is_root, numeric_user

ID = "DS004"
TARGET = "dockerfile"


def check(doc: DockerfileDoc) -> Iterator[Hit]:
    stage = doc.final
    user = stage.last("USER") if stage else None
    if user and user.args and not numeric_user(user.args[0]) and not is_root(user.args[0]):
        yield at(user, f"USER {user.args[0]} is a name; use a numeric UID:GID such as 65532:65532")

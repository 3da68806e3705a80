"""DS003: the final stage runs as a non-root user (explicit USER, or a catalog base that is non-root)."""

from __future__ import annotations

from typing import Iterator

from ... import catalog
from ..dockerfile import DockerfileDoc, Stage
from ..finding import Hit
from ._util import at, is_root

ID = "DS003"
TARGET = "dockerfile"


def effective_user(doc: DockerfileDoc, stage: Stage) -> str | None:
    """The user the stage runs as: its last USER, its parents', or the catalog's record of the base image."""
    current: Stage | None = stage
    while current is not None:
        user = current.last("USER")
        if user is not None:
            return user.args[0] if user.args else None
        current = current.parent
    base = catalog.load().find(doc.root(stage).image) if "$" not in doc.root(stage).image else None
    return base.user if base else None


def check(doc: DockerfileDoc) -> Iterator[Hit]:
    stage = doc.final
    if stage is None or stage.image.lower() == "scratch" and stage.last("USER") is None:
        if stage is not None:
            yield at(stage.from_, "the final stage (FROM scratch) sets no USER, so it runs as root")
        return
    user = effective_user(doc, stage)
    where = stage.last("USER") or stage.from_
    if user is None:
        yield at(where, "the final stage sets no USER, so it runs as the base image's user (root for most images)")
    elif is_root(user):
        yield at(where, f"the final stage runs as {user!r}")

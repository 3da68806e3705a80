"""DS002: bases come from the trusted publishers of the catalog (or the team's own allow-list)."""

from __future__ import annotations

from typing import Iterator

from ... import catalog
from ..dockerfile import DockerfileDoc
from ..finding import Hit
from ._util import at, parse_ref

ID = "DS002"
TARGET = "dockerfile"


def check(doc: DockerfileDoc, ctx) -> Iterator[Hit]:
    allowed = ctx.trusted_registries
    for stage in doc.stages:
        ref = parse_ref(stage.image) if stage.external and "$" not in stage.image else None
        if ref and not catalog.load().is_trusted(str(ref), allowed):
            yield at(stage.from_, f"{ref.name} is not from a trusted registry ({', '.join(allowed)})")

"""DS209: the Pod Security Standard baseline holds (each violated upstream check is one finding)."""

from __future__ import annotations

from typing import Iterator

from .. import pss
from ..finding import Hit
from ._pss import violations

ID = "DS209"
TARGET = "kubernetes"


def check(obj: dict, ctx) -> Iterator[Hit]:
    return violations(obj, pss.BASELINE, ctx.pss_version)

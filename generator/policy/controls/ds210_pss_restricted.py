"""DS210: the Pod Security Standard restricted holds, beyond baseline (one finding per violated check)."""

from __future__ import annotations

from typing import Iterator

from .. import pss
from ..finding import Hit
from ._pss import violations

ID = "DS210"
TARGET = "kubernetes"


def check(obj: dict, ctx) -> Iterator[Hit]:
    return violations(obj, pss.RESTRICTED, ctx.pss_version)

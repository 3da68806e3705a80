"""Report formatters, one module each; every one takes the findings and returns the report text."""

from __future__ import annotations

from typing import Callable

from ..finding import Finding
from . import json_report, sarif, text

FORMATS: dict[str, Callable[[list[Finding], int], str]] = {
    "text": text.render,
    "json": json_report.render,
    "sarif": sarif.render,
}

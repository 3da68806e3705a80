"""JSON: {"files": N, "findings": [{control, severity, message, path, line, column, title}]}."""

from __future__ import annotations

import json

from ..controls import registry
from ..finding import Finding


def render(findings: list[Finding], files: int) -> str:
    meta = registry()
    items = [{**f.as_dict(), "title": meta[f.control].title} for f in findings]
    return json.dumps({"files": files, "findings": items}, indent=2) + "\n"

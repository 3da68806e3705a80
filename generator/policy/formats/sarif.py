"""SARIF 2.1.0: one run, the catalog's controls as rules (title, rationale, fix, references), and results
with physical locations (file URI and 1-based line and column) for code-scanning dashboards."""

from __future__ import annotations

from ... import sarif
from ..controls import registry
from ..finding import Finding

_LEVEL = {"error": "error", "warning": "warning", "info": "note"}


def render(findings: list[Finding], files: int) -> str:
    rules = [{
        "id": c.id,
        "name": c.title,
        "shortDescription": {"text": c.title},
        "fullDescription": {"text": c.rationale},
        "help": {"text": c.fix},
        "defaultConfiguration": {"level": _LEVEL[c.severity]},
        "properties": {"references": list(c.references), "target": c.target},
    } for c in registry().values()]
    index = {r["id"]: i for i, r in enumerate(rules)}
    return sarif.document(rules, [sarif.result(f.control, index[f.control], _LEVEL[f.severity], f.message, f.path,
                                               f.line, f.column) for f in findings])

"""SARIF 2.1.0: one run, the catalog's controls as rules (title, rationale, fix, references), and results
with physical locations (file URI and 1-based line and column) for code-scanning dashboards."""

from __future__ import annotations

import json
from pathlib import Path

from ... import __version__
from ..controls import registry
from ..finding import Finding

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVEL = {"error": "error", "warning": "warning", "info": "note"}


def _uri(path: str) -> str:
    p = Path(path)
    return p.as_posix() if not p.is_absolute() else p.as_uri()


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
    results = [{
        "ruleId": f.control,
        "ruleIndex": index[f.control],
        "level": _LEVEL[f.severity],
        "message": {"text": f.message},
        "locations": [{"physicalLocation": {
            "artifactLocation": {"uri": _uri(f.path)},
            "region": {"startLine": f.line, "startColumn": f.column},
        }}],
    } for f in findings]
    log = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "dockseal", "version": __version__, "rules": rules}},
            "results": results,
        }],
    }
    return json.dumps(log, indent=2) + "\n"

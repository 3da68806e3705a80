"""SARIF 2.1.0 logs, shared by `check` and `audit`: one run of the dockseal driver, rules and results.

Code-scanning services accept one shape; building it in one place keeps both commands' reports valid alike.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from . import __version__

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def uri(path: str) -> str:
    """A relative path as written (posix), an absolute one as a file:// URI."""
    p = Path(path)
    return p.as_posix() if not p.is_absolute() else p.as_uri()


def result(rule_id: str, rule_index: int, level: str, message: str, path: str, line: int,
           column: int | None = None) -> dict[str, Any]:
    region = {"startLine": max(1, line)}
    if column is not None:
        region["startColumn"] = max(1, column)
    return {"ruleId": rule_id, "ruleIndex": rule_index, "level": level, "message": {"text": message},
            "locations": [{"physicalLocation": {"artifactLocation": {"uri": uri(path)}, "region": region}}]}


def document(rules: list[dict[str, Any]], results: list[dict[str, Any]]) -> str:
    log = {"$schema": SCHEMA, "version": "2.1.0",
           "runs": [{"tool": {"driver": {"name": "dockseal", "version": __version__, "rules": rules}},
                     "results": results}]}
    return json.dumps(log, indent=2) + "\n"

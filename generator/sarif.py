"""SARIF 2.1.0 logs, shared by `check` and `audit`: one run of the dockseal driver, rules and results.

Code-scanning services accept one shape; building it in one place keeps both commands' reports valid alike.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

from . import __version__
from .jsontext import records

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


@lru_cache(maxsize=4096)
def uri(path: str) -> str:
    """A relative path as a relative URI reference (posix, percent-encoded: a `#` or a space in a folder name is
    not a fragment or a break), an absolute one as a file:// URI."""
    p = Path(path)
    return quote(p.as_posix(), safe="/") if not p.is_absolute() else p.as_uri()


def result(rule_id: str, rule_index: int, level: str, message: str, path: str, line: int,
           column: int | None = None) -> dict[str, Any]:
    region = {"startLine": max(1, line)}
    if column is not None:
        region["startColumn"] = max(1, column)
    return {"ruleId": rule_id, "ruleIndex": rule_index, "level": level, "message": {"text": message},
            "locations": [{"physicalLocation": {"artifactLocation": {"uri": uri(path)}, "region": region}}]}


def document(rules: list[dict[str, Any]], results: list[dict[str, Any]]) -> str:
    """{"$schema", "version", "runs": [{"tool": {"driver": {name, version, rules}}, "results"}]}, with a rule and
    a result a line (generator.jsontext)."""
    driver = f'"name": "dockseal", "version": {json.dumps(__version__)}, "rules": {records(rules, 6)}'
    return (f'{{\n  "$schema": {json.dumps(SCHEMA)},\n  "version": "2.1.0",\n  "runs": [\n    {{\n'
            f'      "tool": {{"driver": {{{driver}}}}},\n'
            f'      "results": {records(results, 6)}\n    }}\n  ]\n}}\n')

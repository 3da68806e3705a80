"""JSON: {"files": N, "findings": [{control, severity, message, path, line, column, title}]}, a finding a line
(generator.jsontext: the C encoder per finding, not the pure-Python indenting one)."""

from __future__ import annotations

from ...jsontext import records
from ..controls import registry
from ..finding import Finding


def render(findings: list[Finding], files: int) -> str:
    meta = registry()
    body = records(({**f.as_dict(), "title": meta[f.control].title} for f in findings), 2)
    return f'{{\n  "files": {int(files)},\n  "findings": {body}\n}}\n'

"""JSON: {"files": N, "findings": [{control, severity, message, path, line, column, title}]}, a finding a line.

Why written line by line, each string through the json module's C string encoder, and not `json.dumps(...,
indent=2)`: the indenting encoder is pure Python and took longer than the audit itself on a large repository.
The result parses to the same data (tested), and a finding a line stays readable."""

from __future__ import annotations

from json.encoder import encode_basestring_ascii as _str  # what json.dumps uses for every string

from ..controls import registry
from ..finding import Finding


def _line(f: Finding, title: str) -> str:
    return (f'{{"control": {_str(f.control)}, "severity": {_str(f.severity)}, "message": {_str(f.message)}, '
            f'"path": {_str(f.path)}, "line": {int(f.line)}, "column": {int(f.column)}, "title": {title}}}')


def render(findings: list[Finding], files: int) -> str:
    titles = {cid: _str(c.title) for cid, c in registry().items()}
    lines = ",\n    ".join(_line(f, titles[f.control]) for f in findings)
    body = f"[\n    {lines}\n  ]" if findings else "[]"
    return f'{{\n  "files": {int(files)},\n  "findings": {body}\n}}\n'

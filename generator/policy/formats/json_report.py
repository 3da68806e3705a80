"""JSON: {"files": N, "findings": [{control, severity, message, path, line, column, title}]}, a finding a line.

Written as generator.jsontext does, with each finding's strings through the json module's own C string encoder
(a dict and json.dumps per finding cost five times as much); it parses to the same data (tested)."""

from __future__ import annotations

from json.encoder import encode_basestring_ascii as _str  # what json.dumps uses for every string

from ...jsontext import record_list
from ..controls import registry
from ..finding import Finding


def _line(f: Finding, title: str) -> str:
    return (f'{{"control": {_str(f.control)}, "severity": {_str(f.severity)}, "message": {_str(f.message)}, '
            f'"path": {_str(f.path)}, "line": {int(f.line)}, "column": {int(f.column)}, "title": {title}}}')


def render(findings: list[Finding], files: int) -> str:
    titles = {cid: _str(c.title) for cid, c in registry().items()}
    body = record_list((_line(f, titles[f.control]) for f in findings), 2)
    return f'{{\n  "files": {int(files)},\n  "findings": {body}\n}}\n'

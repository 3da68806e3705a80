"""The layers applied to raw findings, one job each: inline ignore comments, checkov skip annotations,
configured ignores, severity overrides, and the failure threshold."""

from __future__ import annotations

import re
from typing import Any, Iterable

from .config import Config
from .finding import RANK, Finding

_PRAGMA = re.compile(r"#\s*dockseal\s+ignore(-file)?\s*=\s*(DS\d{3}(?:\s*,\s*DS\d{3})*)", re.I)
_CHECKOV_SKIP = re.compile(r"^\s*(CKV2?_[A-Z0-9_]+)")


def pragmas(text: str) -> tuple[dict[int, set[str]], set[str]]:
    """(line -> ids ignored on it, ids ignored in the whole file) from `# dockseal ignore=DS001,DS002`.

    A pragma covers its own line and the next line that is not blank or a comment (hadolint's convention).
    """
    by_line: dict[int, set[str]] = {}
    whole: set[str] = set()
    pending: set[str] = set()
    for n, line in enumerate(text.splitlines(), start=1):
        m = _PRAGMA.search(line)
        ids = {i.strip().upper() for i in m.group(2).split(",")} if m else set()
        if m and m.group(1):
            whole |= ids
            continue
        stripped = line.strip()
        if stripped.startswith("#"):  # a comment line: its ids wait for the next line of content
            if ids:
                by_line.setdefault(n, set()).update(ids)
                pending |= ids
            continue
        if stripped and (ids or pending):  # a line of content takes its own ids and those waiting
            by_line.setdefault(n, set()).update(ids | pending)
            pending = set()
    return by_line, whole


_MENTION = re.compile("dockseal", re.I)


def apply_pragmas(findings: Iterable[Finding], text: str) -> list[Finding]:
    if not _MENTION.search(text):  # no pragma can be there: skip the line-by-line scan
        return list(findings)
    by_line, whole = pragmas(text)
    return [f for f in findings if f.control not in whole and f.control not in by_line.get(f.line, ())]


def checkov_skips(obj: Any) -> set[str]:
    """checkov check ids skipped by `checkov.io/skip*` annotations on a Kubernetes object."""
    metadata = obj.get("metadata") if isinstance(obj, dict) else None
    annotations = metadata.get("annotations") if isinstance(metadata, dict) else None
    if not isinstance(annotations, dict):
        return set()
    out = set()
    for key, value in annotations.items():
        if str(key).startswith("checkov.io/skip"):
            m = _CHECKOV_SKIP.match(str(value))
            if m:
                out.add(m.group(1))
    return out


def configure(findings: Iterable[Finding], config: Config) -> list[Finding]:
    """Drop configured ignores, then apply severity overrides."""
    out = []
    for f in findings:
        if f.control in config.ignore:
            continue
        level = config.severity.get(f.control)
        out.append(f._replace(severity=level) if level and level != f.severity else f)
    return out


def failing(findings: Iterable[Finding], fail_on: str) -> list[Finding]:
    """The findings at or above the `fail_on` severity (none: never fail)."""
    if fail_on == "none":
        return []
    return [f for f in findings if RANK[f.severity] >= RANK[fail_on]]

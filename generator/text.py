"""Validation and escaping of free text that ends up in generated files.

Answers are data: a value either matches a strict pattern, or it is free text that is checked here and then
written only through the escaper made for its target (Dockerfile double-quoted word, JSON array, shell word).
"""

from __future__ import annotations

import json
import shlex
import unicodedata

# Unicode categories that must never reach a generated file: controls (newlines, NUL, ESC), format characters
# (bidi overrides, zero-width joiners: "trojan source"), line/paragraph separators, surrogates, private use,
# unassigned code points.
_FORBIDDEN_CATEGORIES = {"Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"}
TEMPLATE_MARKERS = ("{{", "}}", "{%", "%}", "{#", "#}")


def text_problem(value: str, max_length: int) -> str | None:
    """Why `value` cannot be used as single-line free text, or None when it can."""
    if len(value) > max_length:
        return f"at most {max_length} characters (got {len(value)})"
    for ch in value:
        if unicodedata.category(ch) in _FORBIDDEN_CATEGORIES:
            return f"must be one line of printable text (found U+{ord(ch):04X})"
    for marker in TEMPLATE_MARKERS:
        if marker in value:
            return f"must not contain template syntax {marker!r}"
    return None


def dockerfile_quoted(value: str) -> str:
    """A Dockerfile double-quoted word whose value is exactly `value` (no variable expansion, no escapes)."""
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("$", "\\$")
    return f'"{escaped}"'


def json_array(items: list[str]) -> str:
    """Exec-form JSON array for CMD, ENTRYPOINT and HEALTHCHECK (`$` is not expanded in this form)."""
    return json.dumps(list(items), ensure_ascii=False)


def shell_quoted(value: str) -> str:
    """One POSIX shell word whose value is exactly `value`."""
    return shlex.quote(value)

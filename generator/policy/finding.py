"""The one record every control produces, and the severity scale shared by overrides and --fail-on."""

from __future__ import annotations

from typing import NamedTuple

# Highest first; the scale hadolint uses (style is folded into info: nothing here is only cosmetic).
SEVERITIES = ("error", "warning", "info")
RANK = {name: i for i, name in enumerate(reversed(SEVERITIES))}  # info 0 < warning 1 < error 2


class Finding(NamedTuple):
    """One violated control at one place in one file (line and column are 1-based).

    A named tuple: immutable and ordered by its fields like a frozen dataclass, but an audit makes thousands of
    them and sends them back from worker processes, and a tuple is several times cheaper to build and pickle."""

    path: str
    line: int
    column: int
    control: str
    severity: str
    message: str

    def as_dict(self) -> dict:
        return {"control": self.control, "severity": self.severity, "message": self.message,
                "path": self.path, "line": self.line, "column": self.column}


class Hit(NamedTuple):
    """What a check reports: a message and where; the engine turns it into a Finding."""

    message: str
    line: int = 1
    column: int = 1

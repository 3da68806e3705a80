"""The one record every control produces, and the severity scale shared by overrides and --fail-on."""

from __future__ import annotations

from dataclasses import dataclass

# Highest first; the scale hadolint uses (style is folded into info: nothing here is only cosmetic).
SEVERITIES = ("error", "warning", "info")
RANK = {name: i for i, name in enumerate(reversed(SEVERITIES))}  # info 0 < warning 1 < error 2


@dataclass(frozen=True, order=True)
class Finding:
    """One violated control at one place in one file (line and column are 1-based)."""

    path: str
    line: int
    column: int
    control: str
    severity: str
    message: str

    def sort_key(self) -> tuple[str, int, int, str, str, str]:
        """The dataclass order as one tuple: sorting on it is several times faster than the generated __lt__."""
        return (self.path, self.line, self.column, self.control, self.severity, self.message)

    def as_dict(self) -> dict:
        return {"control": self.control, "severity": self.severity, "message": self.message,
                "path": self.path, "line": self.line, "column": self.column}


@dataclass(frozen=True)
class Hit:
    """What a check reports: a message and where; the engine turns it into a Finding."""

    message: str
    line: int = 1
    column: int = 1

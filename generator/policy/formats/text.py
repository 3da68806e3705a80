"""Plain text, one finding a line as `path:line:column: DS001 error: message` (editors jump to it)."""

from __future__ import annotations

from ..finding import Finding


def render(findings: list[Finding], files: int) -> str:
    lines = [f"{f.path}:{f.line}:{f.column}: {f.control} {f.severity}: {f.message}" for f in findings]
    counts = {s: sum(1 for f in findings if f.severity == s) for s in ("error", "warning", "info")}
    summary = ", ".join(f"{n} {s}" for s, n in counts.items() if n) or "no findings"
    lines.append(f"{files} file(s) audited: {summary}")
    return "\n".join(lines) + "\n"

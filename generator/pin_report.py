"""Text and JSON output of `dockseal pin` (one line per reference; JSON for CI and other tools)."""

from __future__ import annotations

import json

from .pin import PINNED, SKIPPED, STALE, UNPINNED, UPDATED, Report


def render(report: Report, fmt: str, check: bool) -> str:
    if fmt == "json":
        data = {"check": check, "ok": not (check and report.problems),
                "references": [e.as_dict(report.root) for e in report.entries],
                "written": report.written, "warnings": report.warnings}
        return json.dumps(data, indent=2) + "\n"
    lines = []
    for entry in report.entries:
        item = entry.as_dict(report.root)
        text = _show(entry.site.text)
        where = f"{item['file']}:{item['line']}"
        if entry.status == UPDATED:
            lines.append(f"pinned    {where}  {text.split('@')[0]}@{entry.digest}")
        elif entry.status == PINNED:
            lines.append(f"ok        {where}  {text}" + (f"  ({entry.note})" if entry.note else ""))
        elif entry.status == UNPINNED:
            lines.append(f"unpinned  {where}  {text}")
        elif entry.status == STALE:
            lines.append(f"stale     {where}  {text.split('@')[0]}: {entry.note}")
        elif entry.status == SKIPPED:
            label = "unpinned" if entry.site.blocking else "skipped"
            lines.append(f"{label:9} {where}  {text}  ({entry.site.skip})")
    if check:
        problems = len(report.problems)
        lines.append(f"{problems} reference(s) to pin; run `dockseal pin`" if problems
                     else "every reference is pinned and current")
    else:
        lines += [f"wrote {path}" for path in report.written]
        if not report.written:
            lines.append("nothing to change")
    return "\n".join(lines) + "\n"


def _show(text: str) -> str:
    """A reference as written, with control characters escaped so a hostile file cannot forge output lines."""
    return text if text.isprintable() else repr(text)

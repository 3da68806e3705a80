"""`dockseal update`: re-render a service and merge three ways so that every edit the user made survives.

base   = the previous render: the recorded answers and pins through the recorded template version. Where the
         recorded hash of a file matches that re-render, the base is exact; where it does not (the template
         changed since) but the file on disk still matches its recorded hash, the file itself is the base;
         otherwise the re-render stands in for it and the file is named in a warning.
yours  = the files on disk.
new    = the current template (or --template) with the answers (changed by --set) and fresh catalog pins.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import record as records
from . import source as sources
from . import writer
from .answers import resolve
from .hookslib import check_combinations
from .merge import merge3
from .questions import public_keys, questions
from .render import render
from .seal import RECORD, file_hash


@dataclass
class Plan:
    """What an update does: files to write, files to delete, conflicts and notes for the user."""

    changes: list[writer.Change]
    deletions: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def plan(directory: Path, set_values: dict[str, Any], template: str | None = None, trust: bool = False,
         keep_pins: bool = False) -> Plan:
    """Compute the merged files without writing anything."""
    rec = records.load(directory)
    notes = list(rec.messages)
    missing = records.missing_keys(rec, public_keys())
    if missing:
        notes.append(f"{rec.path}: new answer keys take their defaults: {', '.join(missing)}")
    old_src = sources.resolve(rec.template["source"], rec.template["version"])
    new_src = sources.resolve(template or rec.template["source"])
    for src in {old_src.spec: old_src, new_src.spec: new_src}.values():
        src.require_trust(trust)
    base_answers = resolve(questions(), rec.answers)
    # A question that was off (compose or kubernetes not wanted) holds a placeholder, not an answer: turning it
    # on again must derive its default, as `new` would, not validate the placeholder.
    answered = {q.key: rec.answers[q.key] for q in questions() if q.key in rec.answers and q.active(base_answers)}
    new_answers = resolve(questions(), {**answered, **set_values})
    check_combinations({"_answers": new_answers})
    base_keys = ("stack", "stack_version", "base_flavour")
    if any(new_answers[k] != base_answers[k] for k in base_keys):  # new bases: the allow-list `new` enforces
        from .policy_config import base_warnings

        notes += base_warnings(directory, *(new_answers[k] for k in base_keys))
    base = render(base_answers, old_src.path, rec.images, source=old_src.record(), in_process=trust or old_src.builtin,
                  pinned_on=rec.pinned_on)
    pins = rec.images if keep_pins else fresher_pins(rec)
    new = render(new_answers, new_src.path, pins, source=new_src.record(), in_process=trust or new_src.builtin,
                 pinned_on={role: day for role, day in rec.pinned_on.items() if role in pins})
    if old_src.version != new_src.version or old_src.spec != new_src.spec:
        notes.append(f"template {old_src.spec} {old_src.version or '(unversioned)'} -> "
                     f"{new_src.spec} {new_src.version or '(unversioned)'}")
    return merge_tree(directory, base, new, rec.rendered_files, notes)


def fresher_pins(rec: records.Record) -> dict[str, str]:
    """The recorded pins seen current no earlier than the catalog's digest for their tag (`dockseal pin` ran
    after the catalog was made); every other role takes the catalog's digest."""
    from . import catalog

    cat = catalog.load()
    keep = {}
    for role, reference in rec.images.items():
        known = cat.find(reference)
        if known is None or rec.pinned_on.get(role, "") >= str(known.observed):
            keep[role] = reference
    return keep


def merge_tree(directory: Path, base: dict[str, bytes], new: dict[str, bytes], recorded: dict[str, str],
               notes: list[str] | None = None) -> Plan:
    """Merge every path of the old and new render with what is on disk (the record is always the new one)."""
    notes = notes if notes is not None else []
    merged: dict[str, bytes] = {}
    out = Plan([], notes=notes)
    for rel in sorted(set(base) | set(new) | set(recorded)):  # recorded only: made by a template since changed
        disk_path = directory / rel
        disk = disk_path.read_bytes() if disk_path.is_file() else None
        if rel == RECORD:
            merged[rel] = records.with_user_sections(new[rel].decode(), (disk or b"").decode("utf-8", "replace")).encode()
        elif rel not in new:  # no longer generated: removed when it is still what a render made
            if disk is not None and (disk == base.get(rel) or file_hash(disk) == recorded.get(rel)):
                writer.contained(directory, rel, "remove")  # never through a symlink, never outside
                out.deletions.append(rel)
            elif disk is not None:
                notes.append(f"{rel}: no longer generated; kept because you edited it")
        else:
            old = _exact_base(rel, base.get(rel), disk, recorded, notes)
            if disk is None:
                if old is None or (recorded and rel not in recorded):  # new to this service, never deleted by you
                    merged[rel] = new[rel]
                else:
                    notes.append(f"{rel}: you deleted it; it stays deleted")
            else:
                result = merge3(old if old is not None else b"", disk, new[rel], rel)
                merged[rel] = result.content
                if result.conflicts:
                    out.conflicts.append(rel)
    if RECORD in merged:  # written last: if a rename fails midway, the record still describes the old render,
        merged[RECORD] = merged.pop(RECORD)  # so the next update merges the rest instead of taking it for edits
    out.changes = writer.plan(directory, merged)
    return out


def _exact_base(rel: str, rendered: bytes | None, disk: bytes | None, recorded: dict[str, str],
                notes: list[str]) -> bytes | None:
    """The previous render of `rel`: see the module docstring for the order of evidence."""
    want = recorded.get(rel)
    if want is None or rendered is not None and file_hash(rendered) == want:
        return rendered
    if disk is not None and file_hash(disk) == want:
        return disk
    if rel != RECORD:
        notes.append(f"{rel}: its previous render cannot be reproduced (the template changed since) and you "
                     "edited it; merged against a re-render of the old answers, so review the result")
    return rendered


def apply(directory: Path, result: Plan) -> list[str]:
    """Write the merged files atomically, then remove files the new render no longer produces."""
    written = writer.commit(directory, result.changes)
    for rel in result.deletions:
        (directory / rel).unlink(missing_ok=True)
    return written

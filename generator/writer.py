"""Write a set of files into a directory all-or-nothing: refuse overwrites, show dry-run diffs.

Every file is first staged beside its target, then all are renamed into place with SIGINT held back,
so Ctrl-C or an error leaves each file either as it was or complete, never half-written.
"""

from __future__ import annotations

import difflib
import os
import signal
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .errors import InputError, RefusedWrite


@dataclass(frozen=True)
class Change:
    path: str
    status: str  # new | changed | unchanged
    old: bytes | None
    new: bytes


def contained(target: Path, rel: str, action: str = "write") -> Path:
    """`target / rel`, refused (InputError) when it leads outside `target` (`..`, an absolute path, a symlinked
    folder), is itself a symlink or not a regular file, or sits below a file: a write or a removal there would
    touch something that is not the service's own file."""
    root = target.resolve()
    path = root / rel
    if Path(rel).is_absolute() or ".." in Path(rel).parts or root not in path.resolve().parents:
        raise InputError(f"refusing to {action} outside {target}: {rel}")
    if path.is_symlink() or (path.exists() and not path.is_file()):
        raise InputError(f"{rel}: exists and is not a regular file; move it away first")
    parent = path.parent
    while parent != root and not parent.exists():
        parent = parent.parent
    if parent.exists() and not parent.is_dir():
        raise InputError(f"{rel}: {parent.relative_to(root)} is a file, not a folder; move it away first")
    return path


def plan(target: Path, files: dict[str, bytes]) -> list[Change]:
    """What writing `files` into `target` would do, refusing any path that escapes it."""
    changes = []
    for rel, content in files.items():
        dest = contained(target, rel)
        old = dest.read_bytes() if dest.is_file() else None
        status = "new" if old is None else ("unchanged" if old == content else "changed")
        changes.append(Change(rel, status, old, content))
    return changes


def refuse_overwrites(changes: list[Change]) -> None:
    clashes = [c.path for c in changes if c.status == "changed"]
    if clashes:
        raise RefusedWrite(f"would overwrite {len(clashes)} existing file(s): {', '.join(clashes)}; "
                           "nothing was written (use --force to replace them, --dry-run to see the diff)")


def diff(change: Change) -> str:
    """A unified diff of one change (binary-safe: undecodable bytes are replaced)."""
    old = (change.old or b"").decode("utf-8", "replace").splitlines(keepends=True)
    new = change.new.decode("utf-8", "replace").splitlines(keepends=True)
    label_old = f"a/{change.path}" if change.old is not None else "/dev/null"
    return "".join(difflib.unified_diff(old, new, label_old, f"b/{change.path}"))


def commit(target: Path, changes: list[Change]) -> list[str]:
    """Atomically write every new or changed file; returns the paths written."""
    todo = [c for c in changes if c.status != "unchanged"]
    staged: list[tuple[str, Path]] = []
    try:
        for change in todo:
            dest = target / change.path
            dest.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".dockseal-tmp", dir=dest.parent)
            with os.fdopen(fd, "wb") as fh:
                fh.write(change.new)
                fh.flush()
                os.fsync(fh.fileno())
            mode = (dest.stat().st_mode & 0o7777) if dest.exists() else 0o644
            os.chmod(tmp, mode)
            staged.append((tmp, dest))
        old_mask = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
        try:
            for tmp, dest in staged:
                os.replace(tmp, dest)
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, old_mask)
    except BaseException:
        for tmp, _dest in staged:
            if os.path.exists(tmp):
                os.unlink(tmp)
        raise
    return [c.path for c in todo]

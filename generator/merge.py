"""Three-way merge of one file with `git merge-file --diff3`: the user's version wins where only they changed it,
the new render wins where only it changed, and where both changed the same lines both stay, in diff3 markers."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .errors import InputError


@dataclass(frozen=True)
class Merged:
    content: bytes
    conflicts: int


def merge3(base: bytes, ours: bytes, theirs: bytes, path: str) -> Merged:
    """Merge `ours` (the files on disk) and `theirs` (the new render) from their common `base` (the old render)."""
    if ours == theirs or theirs == base:
        return Merged(ours, 0)
    if ours == base:
        return Merged(theirs, 0)
    if not all(_is_text(x) for x in (base, ours, theirs)):
        return Merged(ours, 1)  # binary: keep the user's bytes, report the clash
    git = shutil.which("git")
    if not git:
        raise InputError("dockseal update needs git (for `git merge-file`) and it is not installed")
    with tempfile.TemporaryDirectory(prefix="dockseal-merge-") as tmp:
        files = []
        for name, data in (("current", ours), ("base", base), ("new", theirs)):
            p = Path(tmp) / name
            p.write_bytes(data)
            files.append(str(p))
        proc = subprocess.run([git, "merge-file", "-p", "--diff3", "-L", f"{path} (yours)", "-L",
                               f"{path} (previous render)", "-L", f"{path} (new render)", *files],
                              capture_output=True, timeout=60)
    if proc.returncode < 0 or proc.returncode > 127:
        raise RuntimeError(f"git merge-file failed on {path}: {proc.stderr.decode(errors='replace')[:300]}")
    return Merged(proc.stdout, proc.returncode)


def _is_text(data: bytes) -> bool:
    if b"\0" in data:
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True

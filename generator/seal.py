"""Seal a render: record a fingerprint of the renderer and a hash of every rendered file in `.dockseal.yml`.

Why: `dockseal update` needs each file's pristine render (the merge base) and `dockseal check` must know whether a
file still equals what its answers render. The hashes tell whether a file was edited since it was generated
(base = the file itself when it was not), and the fingerprint tells whether the template and the code behind it
are byte-for-byte the ones that produced those hashes, in which case the hashes *are* the render and `check`
needs no re-render. The post-generation hook calls `seal_project` last, so plain cookiecutter seals too.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
from functools import lru_cache
from pathlib import Path

RECORD = ".dockseal.yml"
_SKIP_DIRS = {"__pycache__", ".git", ".hypothesis", ".pytest_cache"}


def file_hash(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def _tree_files(root: Path, exclude: Path | None = None) -> list[Path]:
    out = []
    for dirpath, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in _SKIP_DIRS and Path(dirpath) / d != exclude)
        out.extend(Path(dirpath) / n for n in sorted(names) if not n.endswith((".pyc", ".pyo")))
    return out


def extension_names(template: Path) -> list[str]:
    """The dotted names in the template's `_extensions` (none when cookiecutter.json cannot be read)."""
    try:
        spec = json.loads((template / "cookiecutter.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    names = spec.get("_extensions") if isinstance(spec, dict) else None
    return [str(n) for n in names] if isinstance(names, list) else []


def _extension_roots(template: Path) -> list[Path]:
    """The package directories of the template's `_extensions` (their code shapes the output too)."""
    roots = []
    for dotted in extension_names(template):
        top = dotted.split(".")[0]
        local = template / top
        if local.is_dir():
            roots.append(local)
            continue
        found = importlib.util.find_spec(top)
        if found and found.submodule_search_locations:
            roots.append(Path(list(found.submodule_search_locations)[0]))
    return roots


@lru_cache(maxsize=None)
def fingerprint(template: str) -> str:
    """sha256 over the template's own files (cookiecutter.json, hooks/, templates/, the project folder) and the
    packages its extensions come from; anything else in the template's directory (tests, docs) is left out.

    An installed dockseal carries its template inside the extension package (generator/template/); that copy is
    hashed once, as the template, so a wheel and a checkout of the same source have the same fingerprint."""
    root = Path(template).resolve()
    parts = [(root / "cookiecutter.json", "cookiecutter.json")]
    for child in sorted(root.iterdir()):
        if child.is_dir() and (child.name in ("hooks", "templates") or child.name.startswith("{{")):
            parts.extend((p, p.relative_to(root).as_posix()) for p in _tree_files(child))
    for ext in _extension_roots(root):
        parts.extend((p, "ext:" + p.relative_to(ext.parent).as_posix()) for p in _tree_files(ext.resolve(), root))
    digest = hashlib.sha256()
    for path, name in parts:
        if path.is_file():
            digest.update(name.encode() + b"\0" + path.read_bytes() + b"\0")
    return "sha256:" + digest.hexdigest()


def rendered_hashes(project: Path) -> dict[str, str]:
    """Hash of every file of a fresh render except the record itself."""
    return {p.relative_to(project).as_posix(): file_hash(p.read_bytes())
            for p in _tree_files(project) if p.relative_to(project).as_posix() != RECORD}


def seal_block(template: Path, head: str, hashes: dict[str, str]) -> str:
    """`rendered:` with the renderer's fingerprint, the hash of the record above it and of every other file."""
    import yaml

    data = {"rendered": {"fingerprint": fingerprint(str(Path(template).resolve())),
                         "record": file_hash(head.encode("utf-8")), "files": dict(sorted(hashes.items()))}}
    return yaml.safe_dump(data, sort_keys=False, default_flow_style=False, width=1000)


def seal_project(project: Path, template: Path) -> None:
    """Append the `rendered:` block to the project's record (no-op when the template writes no record)."""
    record = project / RECORD
    if not record.is_file():
        return
    if not (Path(template) / "cookiecutter.json").is_file():  # cruft and others do not pass `_repo_dir`
        from .template import builtin_template

        template = builtin_template()
    text = record.read_text(encoding="utf-8")
    if not text.endswith("\n"):
        text += "\n"
    record.write_text(text + seal_block(template, text, rendered_hashes(project)), encoding="utf-8")


def record_head(text: str) -> str:
    """The record as the template wrote it, without the `rendered:` block the seal appended."""
    marker = "\nrendered:\n"
    cut = text.rfind(marker)
    return text[: cut + 1] if cut >= 0 else text

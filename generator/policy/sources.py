"""Find the files to audit and read each one into the document its controls check.

Dockerfiles are recognised by name (`Dockerfile`, `Dockerfile.*`, `*.Dockerfile`, `Containerfile`), YAML by
content: a mapping with `services` is a compose file, documents with `apiVersion` and `kind` are Kubernetes
manifests. Directories are walked (skipping VCS, dependency and cache folders); other files are left alone.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import references
from ..errors import InputError

DOCKERFILE, COMPOSE, KUBERNETES = "dockerfile", "compose", "kubernetes"
_SKIP_DIRS = references.SKIP_DIRS | {".dockseal"}
_YAML_SUFFIXES = (".yml", ".yaml")
_K8S_HINT = re.compile(r"^(?:apiVersion|kind):", re.M)
_COMPOSE_HINT = re.compile(r"^services:", re.M)


@dataclass(frozen=True)
class Source:
    path: Path
    kind: str  # dockerfile | compose | kubernetes


def classify(path: Path, text: str | None = None) -> str | None:
    """The kind of file `path` is, or None when dockseal has no controls for it."""
    if references.classify(path) == references.DOCKERFILE:  # by name, as `dockseal pin` finds them
        return DOCKERFILE
    if not path.name.lower().endswith(_YAML_SUFFIXES):
        return None
    if text is None:
        try:
            text = path.read_text(encoding="utf-8-sig", errors="replace")
        except OSError:
            return None
    if _COMPOSE_HINT.search(text) and not _K8S_HINT.search(text):
        return COMPOSE
    if _K8S_HINT.search(text):
        return KUBERNETES
    return None


def discover(paths: list[Path]) -> list[Source]:
    """Every auditable file under `paths`, sorted; an explicit file dockseal cannot audit is an InputError."""
    found: dict[Path, str] = {}
    for root in paths:
        root = Path(root)
        if root.is_dir():
            for dirpath, dirnames, filenames in os.walk(root):
                dirnames[:] = sorted(d for d in dirnames if d not in _SKIP_DIRS and not d.startswith("{{"))
                for name in filenames:
                    path = Path(dirpath) / name
                    kind = classify(path) if path.is_file() else None  # never open a pipe or device: it may block
                    if kind:
                        found[path] = kind
        elif root.is_file():
            kind = classify(root)
            if kind is None:
                raise InputError(f"{root}: not a Dockerfile (Dockerfile, *.Dockerfile, Containerfile), compose "
                                 "file or Kubernetes manifest (YAML with apiVersion and kind); nothing to audit")
            found[root] = kind
        elif root.exists():
            raise InputError(f"{root}: not a regular file or a directory; nothing to audit")
        else:
            raise InputError(f"{root}: no such file or directory")
    return [Source(p, k) for p, k in sorted(found.items())]


def read_text(path: Path) -> str:
    """The file as UTF-8 (a byte order mark dropped); ValueError with the reason when it is binary or not UTF-8."""
    return decode(path.read_bytes())


def decode(data: bytes) -> str:
    """`data` as UTF-8 text without its byte order mark, if any; ValueError when binary or not UTF-8."""
    if b"\0" in data[:8192]:
        raise ValueError("binary file")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise ValueError(f"not UTF-8 ({err.reason} at byte {err.start})") from None


def compose_services(doc: Any) -> dict:
    services = doc.get("services") if isinstance(doc, dict) else None
    return services if isinstance(services, dict) else {}

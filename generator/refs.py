"""Image references: parse, normalise and print `registry/repo:tag@sha256:digest`.

One parser for every place that reads a reference (catalog, policy, pin, audit), following the grammar of
distribution/reference, so that `python:3.12` and `docker.io/library/python:3.12` are recognised as the same.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .errors import InputError

DEFAULT_REGISTRY = "docker.io"
_SPACE = re.compile(r"\s")
_DIGEST = re.compile(r"^sha256:[0-9a-f]{64}$")
_TAG = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$")
_PATH_COMPONENT = re.compile(r"^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$")
_REGISTRY = re.compile(r"^(?:[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*|\[[0-9a-fA-F:]+\])(?::[0-9]+)?$")


@dataclass(frozen=True)
class ImageRef:
    """A parsed reference; `registry` and `repository` are always in their normalised, explicit form."""

    registry: str
    repository: str
    tag: str | None = None
    digest: str | None = None

    @property
    def name(self) -> str:
        """`registry/repository`, the part a trust policy matches on."""
        return f"{self.registry}/{self.repository}"

    def __str__(self) -> str:
        out = self.name
        if self.tag:
            out += f":{self.tag}"
        if self.digest:
            out += f"@{self.digest}"
        return out

    def with_digest(self, digest: str) -> "ImageRef":
        """The same reference pinned to `digest` (the tag is kept for humans and for Renovate)."""
        if not _DIGEST.match(digest):
            raise InputError(f"not a sha256 digest: {digest!r}")
        return ImageRef(self.registry, self.repository, self.tag, digest)

    @property
    def is_pinned(self) -> bool:
        return self.digest is not None


@lru_cache(maxsize=4096)
def parse(text: str) -> ImageRef:
    """Parse an image reference, raising InputError with the reason when it is not one.

    Cached: an audit or a pin run meets the same few references in hundreds of files, and ImageRef is frozen."""
    ref = text.strip()
    if not ref or len(ref) > 512 or _SPACE.search(ref):
        raise InputError(f"not an image reference: {text!r}")
    digest = None
    if "@" in ref:
        ref, digest = ref.split("@", 1)
        if not _DIGEST.match(digest):
            raise InputError(f"image reference {text!r}: the digest must be sha256: and 64 hex digits")
    tag = None
    last = ref.rsplit("/", 1)[-1]
    if ":" in last:
        ref, tag = ref.rsplit(":", 1)
        if not _TAG.match(tag):
            raise InputError(f"image reference {text!r}: invalid tag {tag!r}")
    parts = ref.split("/")
    if len(parts) > 1 and ("." in parts[0] or ":" in parts[0] or parts[0] == "localhost" or parts[0].startswith("[")):
        registry, path = parts[0], parts[1:]
        if not _REGISTRY.match(registry):
            raise InputError(f"image reference {text!r}: invalid registry {registry!r}")
    else:
        registry, path = DEFAULT_REGISTRY, parts
    if registry in ("index.docker.io", "registry-1.docker.io"):
        registry = DEFAULT_REGISTRY
    if registry == DEFAULT_REGISTRY and len(path) == 1:
        path = ["library", *path]
    if not path or not all(_PATH_COMPONENT.match(p) for p in path):
        raise InputError(f"image reference {text!r}: invalid repository path")
    return ImageRef(registry, "/".join(path), tag, digest)

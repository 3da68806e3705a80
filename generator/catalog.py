"""The catalog of trusted base images (data in `data/catalog.yml`) and lookups into it.

Templates, `pin --offline`, policy checks and the answers model all read the same file, so a stack's versions
and flavours are defined once, next to the digests that make them real.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from . import refs
from .errors import InputError

CATALOG_FILE = Path(__file__).parent / "data" / "catalog.yml"


@dataclass(frozen=True)
class BaseImage:
    """One trusted image as the catalog records it."""

    ref: refs.ImageRef
    kind: str
    observed: str
    source: str
    user: str
    shell: bool
    pkg: str
    eol: str | None = None
    note: str | None = None

    @property
    def pinned(self) -> str:
        """`repo:tag@sha256:…`, the form every generated file uses."""
        return str(self.ref)

    @property
    def tagged(self) -> str:
        return f"{self.ref.name}:{self.ref.tag}"

    def age_days(self, today: _dt.date | None = None) -> int:
        observed = _dt.date.fromisoformat(str(self.observed))
        return ((today or _dt.date.today()) - observed).days


def _load_yaml(path: Path) -> dict:
    from .yamlio import safe_load

    return safe_load(path.read_text(encoding="utf-8"))


@lru_cache(maxsize=None)
def load(path: Path = CATALOG_FILE) -> "Catalog":
    return Catalog(_load_yaml(path))


class Catalog:
    """Read-only view of the catalog data."""

    def __init__(self, data: dict) -> None:
        self.data = data
        self.trusted_registries: list[str] = list(data.get("trusted_registries", []))
        self.max_digest_age_days: int = int(data.get("max_digest_age_days", 180))
        default_source = data.get("default_source", "")
        self.images: dict[str, BaseImage] = {}
        for key, entry in data.get("images", {}).items():
            ref = refs.parse(f"{key}@{entry['digest']}")
            self.images[key] = BaseImage(
                ref=ref,
                kind=entry.get("kind", "unknown"),
                observed=str(entry["observed"]),
                source=entry.get("source", default_source),
                user=str(entry.get("user", "root")),
                shell=bool(entry.get("shell", False)),
                pkg=entry.get("pkg", "none"),
                eol=str(entry["eol"]) if entry.get("eol") else None,
                note=entry.get("note"),
            )
        self.stacks: dict[str, dict[str, dict[str, dict[str, str]]]] = data.get("stacks", {})

    def versions(self, stack: str) -> list[str]:
        """Versions of `stack`, default first."""
        return list(self.stacks.get(stack, {}))

    def flavours(self, stack: str, version: str) -> list[str]:
        """Base flavours available for that stack version, default first."""
        return list(self.stacks.get(stack, {}).get(version, {}))

    def bases(self, stack: str, version: str, flavour: str) -> dict[str, BaseImage]:
        """role (`builder`, `runtime`) -> image, or InputError naming what exists."""
        try:
            roles = self.stacks[stack][version][flavour]
        except KeyError:
            raise InputError(
                f"base_flavour: {flavour!r} is not available for {stack} {version}; "
                f"choose one of: {', '.join(self.flavours(stack, version)) or 'none'}"
            ) from None
        return {role: self.images[key] for role, key in roles.items()}

    def find(self, reference: str) -> BaseImage | None:
        """The catalog entry for a reference given by tag (digest ignored), if any."""
        ref = refs.parse(reference)
        for image in self.images.values():
            if image.ref.name == ref.name and image.ref.tag == ref.tag:
                return image
        return None

    def is_trusted(self, reference: str, allowed: list[str] | None = None) -> bool:
        """Whether `reference` comes from an allowed registry/publisher prefix."""
        name = refs.parse(reference).name
        prefixes = self.trusted_registries if allowed is None else allowed
        return any(name.startswith(p) if p.endswith("/") else name == p or name.startswith(p + "/")
                   for p in prefixes)


def eol_warnings(stack: str, version: str, flavour: str, today: _dt.date | None = None) -> list[str]:
    """One line per base image of that combination that is past its end-of-life date."""
    today = today or _dt.date.today()
    lines = []
    for role, image in load().bases(stack, version, flavour).items():
        if image.eol and _dt.date.fromisoformat(image.eol) < today:
            lines.append(f"the {role} base {image.tagged} reached end of life on {image.eol}: it gets no more "
                         "security fixes; choose a newer stack_version when the catalog offers one")
    return lines


def age_warnings(images: dict[str, BaseImage], max_days: int | None = None,
                 today: _dt.date | None = None) -> list[str]:
    """One line per catalog digest observed more than `max_days` ago (old digests carry fixed CVEs)."""
    limit = load().max_digest_age_days if max_days is None else max_days
    lines = []
    for role, image in images.items():
        if not image.observed:
            continue  # a pin from an old record: its date is unknown
        age = image.age_days(today)
        if age > limit:
            lines.append(f"the {role} base {image.tagged} digest was observed on {image.observed} ({age} days ago, "
                         f"over {limit}): run `dockseal pin` to resolve a fresh digest from the registry")
    return lines

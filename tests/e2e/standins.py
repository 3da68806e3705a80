"""Stand-in base images: one mmdebstrap tree per stack, cut into single-layer OCI images (standins.yml).

The images are written as an OCI layout in a cache directory keyed by the recipe, under a file lock, so
parallel test workers and later runs build each stack's tree once; pushing them to a test registry is cheap.
"""

from __future__ import annotations

import fcntl
import fnmatch
import gzip
import hashlib
import io
import json
import os
import shutil
import subprocess
import tarfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, Iterator

import yaml

RECIPES = Path(__file__).with_name("standins.yml")
DEBIAN_SOURCES = Path("/etc/apt/sources.list.d/debian.sources")
NONROOT = {"etc/passwd": "nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n",
           "etc/group": "nonroot:x:65532:\n"}
MANIFEST = "application/vnd.oci.image.manifest.v1+json"
LAYER = "application/vnd.oci.image.layer.v1.tar+gzip"
CONFIG = "application/vnd.oci.image.config.v1+json"
CREATED = "2025-05-20T00:00:00Z"
FORMAT = 1  # raise when the way images are cut from the tree changes, so cached stand-ins are rebuilt


@dataclass(frozen=True)
class StandIn:
    """One stand-in image in the cache: the catalog name it stands in for and its OCI layout."""

    name: str  # e.g. docker.io/library/python:3.11-slim-bookworm
    layout: Path
    digest: str  # of the OCI manifest, before any push

    @property
    def oci(self) -> str:
        return f"oci:{self.layout}:{self.name}"


def cache_dir() -> Path:
    """Stand-ins outlive a run, keyed by their recipe, like pre-commit's environments: $DOCKSEAL_E2E_CACHE,
    else $XDG_CACHE_HOME/dockseal-e2e (~/.cache/dockseal-e2e). Removing it only costs a rebuild."""
    if os.environ.get("DOCKSEAL_E2E_CACHE"):
        return Path(os.environ["DOCKSEAL_E2E_CACHE"])
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "dockseal-e2e"


def recipes() -> dict[str, Any]:
    with open(RECIPES, encoding="utf-8") as fh:
        return yaml.safe_load(fh)["stacks"]


def stacks() -> list[str]:
    return list(recipes())


def ensure(stack: str, cache: Path) -> list[StandIn]:
    """The stack's stand-ins, built into `cache` unless an identical recipe was built before."""
    recipe = recipes()[stack]
    key = hashlib.sha256(json.dumps([FORMAT, recipe], sort_keys=True).encode()).hexdigest()
    layout = cache / f"{stack}-{key[:16]}"
    cache.mkdir(parents=True, exist_ok=True)
    with _locked(cache / f"{stack}.lock"):
        if not (layout / "index.json").is_file():
            _build(recipe, layout)
            for stale in cache.glob(f"{stack}-*"):  # earlier recipes of this stack
                if stale != layout:
                    shutil.rmtree(stale, ignore_errors=True)
    index = json.loads((layout / "index.json").read_text())
    return [StandIn(m["annotations"]["org.opencontainers.image.ref.name"], layout, m["digest"])
            for m in index["manifests"]]


def push(stack: str, cache: Path, engine: Any, done: dict[str, dict[str, str]] | None = None) -> dict[str, str]:
    """Push the stack's stand-ins (and those of the stacks it names in `also`) to the engine's registry under
    their catalog names; returns {catalog repository:tag: digest in that registry}. `done` memoises."""
    done = {} if done is None else done
    if stack not in done:
        digests: dict[str, str] = {}
        for also in recipes()[stack].get("also", []):
            digests.update(push(also, cache, engine, done))
        for image in ensure(stack, cache):
            digest_file = engine.root / "pushed.digest"
            engine.run("skopeo", "copy", "--quiet", "--dest-tls-verify=false", "--digestfile", str(digest_file),
                       image.oci, f"docker://{engine.registry.host}/{image.name}")
            digests[image.name] = digest_file.read_text().strip()
        done[stack] = digests
    return done[stack]


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    with open(path, "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _build(recipe: dict[str, Any], layout: Path) -> None:
    work = layout.with_name(layout.name + ".partial")
    shutil.rmtree(work, ignore_errors=True)
    (work / "blobs" / "sha256").mkdir(parents=True)
    rootfs = work / "rootfs.tar"
    suite = recipe.get("suite", "bookworm")
    # man1 stays as a directory (empty): OpenJDK's maintainer scripts link its man pages there.
    subprocess.run(
        ["mmdebstrap", "--variant=minbase", "--quiet", '--aptopt=APT::Install-Recommends "false"',
         "--dpkgopt=path-exclude=/usr/share/doc/*", "--dpkgopt=path-exclude=/usr/share/man/*",
         "--dpkgopt=path-exclude=/usr/share/locale/*",
         '--setup-hook=mkdir -p "$1/usr/share/man/man1"', f"--include={','.join(recipe['rootfs'])}",
         suite, str(rootfs), str(DEBIAN_SOURCES) if suite == "bookworm" else f"deb {_debian_uri()} {suite} main"],
        check=True, capture_output=True, text=True)
    if recipe.get("npm"):
        subprocess.run(["npm", "pack", "--silent", f"npm@{recipe['npm']}"], cwd=work, check=True,
                       capture_output=True, text=True)
    manifests = []
    with tarfile.open(rootfs) as source:
        members = source.getmembers()
        for name, spec in recipe["images"].items():
            manifests.append(_image(work, name, spec, source, members))
    rootfs.unlink()
    for package in work.glob("npm-*.tgz"):
        package.unlink()
    (work / "oci-layout").write_text(json.dumps({"imageLayoutVersion": "1.0.0"}))
    (work / "index.json").write_text(json.dumps({"schemaVersion": 2, "manifests": manifests}))
    shutil.rmtree(layout, ignore_errors=True)
    work.rename(layout)


def _debian_uri() -> str:
    """The Debian archive this machine uses (the first `URIs:` of its sources), for suites other than its own."""
    for line in DEBIAN_SOURCES.read_text().splitlines():
        if line.startswith("URIs:"):
            return line.split()[1]
    raise RuntimeError(f"no URIs: line in {DEBIAN_SOURCES}")


def _image(work: Path, name: str, spec: dict[str, Any], source: tarfile.TarFile,
           members: list[tarfile.TarInfo]) -> dict[str, Any]:
    """Write one image's layer, config and manifest as blobs; return its index entry."""
    diff_id, layer = _layer(work, spec, source, members)
    config = {
        "created": CREATED, "architecture": "amd64", "os": "linux",
        "config": {"Labels": {"org.opencontainers.image.description": f"test stand-in for {name}"},
                   **spec.get("config", {})},
        "rootfs": {"type": "layers", "diff_ids": [diff_id]},
        "history": [{"created": CREATED, "created_by": f"mmdebstrap stand-in for {name}"}],
    }
    manifest = {"schemaVersion": 2, "mediaType": MANIFEST, "config": _blob(work, json.dumps(config).encode(), CONFIG),
                "layers": [layer]}
    entry = _blob(work, json.dumps(manifest).encode(), MANIFEST)
    entry["annotations"] = {"org.opencontainers.image.ref.name": name}
    return entry


def _blob(work: Path, data: bytes, media_type: str) -> dict[str, Any]:
    digest = hashlib.sha256(data).hexdigest()
    (work / "blobs" / "sha256" / digest).write_bytes(data)
    return {"mediaType": media_type, "digest": f"sha256:{digest}", "size": len(data)}


class _Hashing(io.RawIOBase):
    """A write-through stream that hashes and counts what passes."""

    def __init__(self, sink: BinaryIO) -> None:
        self.sink, self.sha, self.size = sink, hashlib.sha256(), 0

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        data = bytes(data)
        self.sha.update(data)
        self.size += len(data)
        self.sink.write(data)
        return len(data)


def _layer(work: Path, spec: dict[str, Any], source: tarfile.TarFile,
           members: list[tarfile.TarInfo]) -> tuple[str, dict[str, Any]]:
    """A gzip layer from the tree, filtered and amended per `spec`; returns (diff_id, descriptor)."""
    tmp = work / "layer.tmp"
    with open(tmp, "wb") as raw:
        compressed = _Hashing(raw)
        with gzip.GzipFile(fileobj=compressed, mode="wb", compresslevel=1, mtime=0) as gz:
            plain = _Hashing(gz)
            with tarfile.open(fileobj=plain, mode="w|", format=tarfile.PAX_FORMAT) as out:
                _write_tree(out, spec, source, members)
    digest = compressed.sha.hexdigest()
    tmp.rename(work / "blobs" / "sha256" / digest)
    return f"sha256:{plain.sha.hexdigest()}", {"mediaType": LAYER, "digest": f"sha256:{digest}",
                                                "size": compressed.size}


def _write_tree(out: tarfile.TarFile, spec: dict[str, Any], source: tarfile.TarFile,
                members: list[tarfile.TarInfo]) -> None:
    keep, remove = _flat(spec.get("keep", [])), _flat(spec.get("remove", []))
    appends = NONROOT if spec.get("nonroot") else {}
    chosen = [m for m in members if not _matches(_path(m), remove) and (not keep or _matches(_path(m), keep))]
    if keep:  # the directories above what is kept, so ownership and modes match the tree's
        wanted = {str(p) for m in chosen for p in Path(_path(m)).parents if str(p) != "."}
        kept = {id(m) for m in chosen}
        chosen = [m for m in members if id(m) in kept or (m.isdir() and _path(m) in wanted)]
    added, parents = _additions(spec)
    present = set()
    for member in chosen:
        path = _path(member)
        present.add(path)
        if path in added:
            continue
        data = source.extractfile(member).read() if member.isfile() else None
        if data is not None and path in appends:
            data += appends[path].encode()
            member.size = len(data)
        out.addfile(member, io.BytesIO(data) if data is not None else None)
    for path, info in [*parents.items(), *added.items()]:
        if path not in present or path in added:
            content = spec.get("files", {}).get(path)
            out.addfile(info, io.BytesIO(content.encode()) if content is not None else None)
    if spec.get("npm"):
        _write_package(out, next(Path(source.name).parent.glob("npm-*.tgz")), spec["npm"], present)


def _write_package(out: tarfile.TarFile, package: Path, prefix: str, present: set[str]) -> None:
    """An npm package tarball's `package/` tree under `prefix`, with its directories and executable bins."""
    with tarfile.open(package) as tgz:
        files = [m for m in tgz.getmembers() if m.isfile()]
        paths = [f"{prefix}/{m.name.removeprefix('package/')}" for m in files]
        dirs = sorted({str(p) for path in paths for p in Path(path).parents if str(p) != "."} - present)
        for path in dirs:
            out.addfile(_info(path, tarfile.DIRTYPE, 0o755))
        for member, path in zip(files, paths):
            data = tgz.extractfile(member).read()
            info = _info(path, tarfile.REGTYPE, 0o755 if "/bin/" in f"/{path}" else 0o644)
            info.size = len(data)
            out.addfile(info, io.BytesIO(data))


def _additions(spec: dict[str, Any]) -> tuple[dict[str, tarfile.TarInfo], dict[str, tarfile.TarInfo]]:
    """Entries the recipe adds (they replace the tree's entries of the same path), and the parent directories
    of its symbolic links (used only where the tree has none)."""
    added: dict[str, tarfile.TarInfo] = {}
    parents: dict[str, tarfile.TarInfo] = {}
    for path, mode in spec.get("dirs", {}).items():
        added[path] = _info(path, tarfile.DIRTYPE, int(str(mode), 8))
    if spec.get("nonroot"):
        added["home/nonroot"] = _info("home/nonroot", tarfile.DIRTYPE, 0o700, uid=65532)
    for path, content in spec.get("files", {}).items():
        added[path] = _info(path, tarfile.REGTYPE, 0o644)
        added[path].size = len(content.encode())
    for path, target in spec.get("symlinks", {}).items():
        for parent in reversed(Path(path).parents[:-1]):
            parents.setdefault(str(parent), _info(str(parent), tarfile.DIRTYPE, 0o755))
        added[path] = _info(path, tarfile.SYMTYPE, 0o777, linkname=target)
    return added, parents


def _path(member: tarfile.TarInfo) -> str:
    return member.name.removeprefix("./").rstrip("/")


def _flat(patterns: list) -> list[str]:
    """YAML anchors put lists inside the list: flatten them."""
    return [p for item in patterns for p in (_flat(item) if isinstance(item, list) else [item])]


def _matches(path: str, patterns: list[str]) -> bool:
    return any(fnmatch.fnmatchcase(path, pattern) for pattern in patterns)


def _info(path: str, kind: bytes, mode: int, uid: int = 0, linkname: str = "") -> tarfile.TarInfo:
    info = tarfile.TarInfo(f"./{path}")
    info.type, info.mode, info.uid, info.gid, info.linkname, info.mtime = kind, mode, uid, uid, linkname, 0
    return info

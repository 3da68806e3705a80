"""`dockseal pin`: resolve every image reference to its digest and rewrite it in place as `repo:tag@sha256:…`.

Everything is planned first (find, check policy, resolve, rewrite in memory, re-read to verify) and only then
committed, all files at once, with writer.commit: a registry error or a refused image leaves every file as it
was. `--check` stops after planning and reports unpinned and stale references; `--offline` resolves from the
catalog only.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

from . import policy_config, references, refs, writer
from . import record as records
from .errors import DocksealError, InputError
from .references import Site

PINNED, UPDATED, UNPINNED, STALE, SKIPPED = "pinned", "updated", "unpinned", "stale", "skipped"


@dataclass
class Options:
    paths: list[Path]
    check: bool = False
    offline: bool = False
    mirrors: dict[str, str] = field(default_factory=dict)
    timeout: float | None = None


@dataclass
class Entry:
    """One reference and what pin found or did."""

    site: Site
    status: str
    digest: str | None = None  # the digest it now resolves to
    note: str | None = None
    seen: str | None = None  # ISO date the digest was seen current (today from the registry, or the catalog's)

    def as_dict(self, root: Path) -> dict[str, object]:
        ref = self.site.ref
        return {"file": _display(self.site.path, root), "line": self.site.line, "kind": self.site.kind,
                "reference": self.site.text, "name": ref.name if ref else None, "status": self.status,
                "digest": self.digest, "note": self.note or self.site.skip}


@dataclass
class Report:
    entries: list[Entry]
    written: list[str]
    warnings: list[str]
    root: Path

    @property
    def problems(self) -> list[Entry]:
        """What `--check` fails on: unpinned, stale, or unpinnable-by-hand references."""
        return [e for e in self.entries if e.status in (UNPINNED, STALE) or (e.status == SKIPPED and e.site.blocking)]


Resolver = Callable[[refs.ImageRef], str]


def run(opts: Options, resolver_factory: Callable[[policy_config.TeamConfig], Resolver] | None = None) -> Report:
    """Find, check, resolve and (unless --check) rewrite; raise before writing anything on any error."""
    paths = opts.paths or [Path(".")]
    texts: dict[Path, str] = {}
    kinds: dict[Path, str] = {}
    configs: dict[Path, policy_config.TeamConfig] = {}
    boms: set[Path] = set()
    for root, path, explicit in _with_records(references.discover(paths)):
        loaded = _read(path, explicit)
        if loaded is None:
            continue
        kind, text = loaded
        if path.resolve() in texts:
            continue
        if text.startswith("\ufeff"):  # BuildKit and YAML parsers drop a byte order mark; pin keeps it
            text = text[1:]
            boms.add(path.resolve())
        texts[path.resolve()], kinds[path.resolve()] = text, kind
        folder = root if root.is_dir() else root.parent
        if folder not in configs:
            configs[folder] = policy_config.with_overrides(policy_config.load(folder), opts.mirrors, opts.timeout)
        configs[path.resolve()] = configs[folder]
    if not texts:
        raise InputError(f"no Dockerfile, compose file, Kubernetes manifest or kustomization found in "
                         f"{', '.join(map(str, paths))}")
    per_file = {p: references.find(p, texts[p], kinds[p]) for p in texts}
    origin = [(p, i) for p, found in per_file.items() for i, s in enumerate(found) if s.kind != references.BASE_LABEL]
    sites = [_mark_own(per_file[p][i]) for p, i in origin]
    for site in sites:
        if site.skip is None and site.ref is None:
            raise InputError(f"{site.path}:{site.line}: {site.text!r} is not a valid image reference")
    active = [s for s in sites if s.skip is None]
    for path in sorted({s.path for s in active}):
        configs[path].require_allowed([(f"{s.path.name}:{s.line}", s.ref) for s in active  # type: ignore[misc]
                                       if s.path == path])
    root = Path(_common_root(list(texts)))
    warnings: list[str] = []
    entries = _resolve_all(sites, opts, configs, resolver_factory, warnings)
    if opts.check:
        return Report(entries, [], warnings, root)
    changes = _plan_changes(entries, texts, kinds, root, _label_edits(entries, per_file, origin), boms)
    written = [_display(root / path, root) for path in writer.commit(root, changes)]
    return Report(entries, written, warnings, root)


def _with_records(found: Iterator[tuple[Path, Path, bool]]) -> Iterator[tuple[Path, Path, bool]]:
    """Also the `.dockseal.yml` beside each file, so the record always names the digests its Dockerfile uses."""
    seen: set[Path] = set()
    for root, path, explicit in found:
        yield root, path, explicit
        record = path.parent / policy_config.RECORD_FILE
        if explicit and path.name != record.name and record.is_file() and record.resolve() not in seen:
            seen.add(record.resolve())
            yield root, record, True


def _read(path: Path, explicit: bool) -> tuple[str, str] | None:
    kind = references.classify(path)
    if kind is None and not path.name.endswith((".yaml", ".yml")) and not explicit:
        return None
    try:
        raw = path.read_bytes()
    except OSError as err:
        raise InputError(f"{path}: cannot read ({err.strerror})") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        if explicit:
            raise InputError(f"{path}: not UTF-8 text") from None
        return None
    kind = kind or references.classify(path, text)
    if kind is None and explicit:
        kind = references.DOCKERFILE if any(line.strip().upper().startswith("FROM ") for line in text.splitlines()) \
            else None
    if kind is None:
        if explicit:
            raise InputError(f"{path}: not a Dockerfile, compose file, Kubernetes manifest or kustomization")
        return None
    if not explicit and kind != references.DOCKERFILE:
        try:
            references.find(path, text, kind)
        except InputError:
            return None  # a template or other non-YAML file that only looks like one: not ours to judge
    return kind, text


def _mark_own(site: Site) -> Site:
    """The service's own image (`image_repository` in a `.dockseal.yml` above it) is pinned at deploy time."""
    from dataclasses import replace

    ref = site.ref
    if site.skip is None and ref is not None and ref.registry == "localhost":
        return replace(site, skip="a local image (localhost/…), not pulled from a registry")
    if site.skip is None and ref is not None and ref.name in _own_repositories(site.path.parent):
        return replace(site, skip="this service's own image: CI pins it by the digest of its push")
    return site


def _own_repositories(folder: Path) -> set[str]:
    import yaml

    out: set[str] = set()
    for parent in [folder.resolve(), *list(folder.resolve().parents)[:4]]:
        record = parent / ".dockseal.yml"
        if record.is_file():
            try:
                data = yaml.safe_load(record.read_text(encoding="utf-8")) or {}
                repo = (data.get("answers") or {}).get("image_repository")
                if isinstance(repo, str):
                    out.add(refs.parse(repo).name)
            except (yaml.YAMLError, AttributeError, InputError, UnicodeDecodeError):
                continue
    return out


def _resolve_all(sites: list[Site], opts: Options, configs: dict[Path, policy_config.TeamConfig],
                 resolver_factory: Callable[[policy_config.TeamConfig], Resolver] | None,
                 warnings: list[str]) -> list[Entry]:
    from . import catalog

    cat = catalog.load()
    cache: dict[str, str] = {}
    resolvers: dict[int, Resolver] = {}
    entries = []
    try:
        for site in sites:
            ref = site.ref
            if site.skip is not None or ref is None:
                entries.append(Entry(site, SKIPPED))
                continue
            tagged = refs.ImageRef(ref.registry, ref.repository, ref.tag or "latest")
            if ref.tag is None and ref.digest:
                entries.append(Entry(site, PINNED, ref.digest, "pinned by digest only; no tag to check"))
                continue
            if ref.tag is None:
                warnings.append(f"{site.path}:{site.line}: {site.text} has no tag (implicit latest); name a version tag")
            key = str(tagged)
            if opts.offline:
                if ref.digest:
                    entries.append(Entry(site, PINNED, ref.digest, "not checked against the registry (--offline)"))
                    continue
                if opts.check:
                    entries.append(Entry(site, UNPINNED))
                    continue
                image = cat.find(key)
                if image is None:
                    raise InputError(f"{site.path}:{site.line}: {site.text}: not in the catalog, so it cannot be "
                                     "pinned offline; run `dockseal pin` without --offline to ask the registry")
                warnings += catalog.age_warnings({f"{site.path.name}:{site.line}": image},
                                                 configs[site.path].max_digest_age_days)
                entries.append(Entry(site, UPDATED, image.ref.digest, "from the catalog", str(image.observed)))
                continue
            if key not in cache:
                config = configs[site.path]
                if id(config) not in resolvers:
                    resolvers[id(config)] = (resolver_factory or _online)(config)
                cache[key] = resolvers[id(config)](tagged)
            digest = cache[key]
            today = _dt.date.today().isoformat()
            if ref.digest == digest:
                entries.append(Entry(site, PINNED, digest, seen=today))
            elif ref.digest:
                entries.append(Entry(site, STALE, digest, f"pinned {ref.digest}, the tag now points at {digest}", today))
            else:
                entries.append(Entry(site, UNPINNED if opts.check else UPDATED, digest, seen=today))
    finally:
        for resolver in resolvers.values():
            close = getattr(resolver, "close", None)
            if close:
                close()
    if not opts.check:
        for entry in entries:
            if entry.status == STALE:
                entry.status = UPDATED
    return entries


class _OnlineResolver:
    """Adapter from a registry.Client to the resolver interface (a callable with close())."""

    def __init__(self, config: policy_config.TeamConfig) -> None:
        from . import registry

        self.client = registry.Client(registry.parse_mirrors(config.mirrors), timeout=config.timeout)

    def __call__(self, ref: refs.ImageRef) -> str:
        return self.client.resolve(ref).digest

    def close(self) -> None:
        self.client.close()


def _online(config: policy_config.TeamConfig) -> Resolver:
    return _OnlineResolver(config)


def _label_edits(entries: list[Entry], per_file: dict[Path, list[Site]],
                 origin: list[tuple[Path, int]]) -> dict[Path, list[tuple[int, int, str]]]:
    """`org.opencontainers.image.base.digest` labels follow the FROM of their stage when it is re-pinned."""
    entry_at = dict(zip(origin, entries))
    edits: dict[Path, list[tuple[int, int, str]]] = {}
    for path, found in per_file.items():
        for site in found:
            base = entry_at.get((path, site.base_index)) if site.kind == references.BASE_LABEL else None
            if base and base.status == UPDATED and base.digest and site.text != base.digest:
                edits.setdefault(path, []).append((site.start, site.end, base.digest))  # type: ignore[arg-type]
    return edits


def _plan_changes(entries: list[Entry], texts: dict[Path, str], kinds: dict[Path, str], root: Path,
                  label_edits: dict[Path, list[tuple[int, int, str]]], boms: set[Path]) -> list[writer.Change]:
    by_file: dict[Path, list[tuple[int, int, str]]] = {p: list(e) for p, e in label_edits.items()}
    expected: dict[Path, list[tuple[Site, str | None]]] = {}
    for entry in entries:
        expected.setdefault(entry.site.path, []).append(
            (entry.site, entry.digest if entry.status == UPDATED else None))
        if entry.status == UPDATED and entry.digest:
            by_file.setdefault(entry.site.path, []).append(references.replacement(entry.site, entry.digest))
    files: dict[str, bytes] = {}
    for path in [*by_file, *(p for p, k in kinds.items() if k == references.RECORD and p not in by_file)]:
        new_text = references.rewrite(texts[path], by_file.get(path, []))
        _verify(path, new_text, kinds[path], expected.get(path, []))
        if kinds[path] == references.RECORD:
            new_text = _stamp_record(new_text, [e for e in entries if e.site.path == path])
        if new_text != texts[path]:
            files[path.relative_to(root).as_posix()] = ("\ufeff" * (path in boms) + new_text).encode("utf-8")
    return writer.plan(root, files)


def _stamp_record(text: str, entries: list[Entry]) -> str:
    """`pinned_on` in a `.dockseal.yml`: the date each role's digest was seen current, so `check` and `update`
    can tell a registry pin newer than the catalog from a stale one. Roles pin did not resolve keep theirs."""
    import yaml

    data = yaml.safe_load(text) or {}
    roles = [role for role, value in (data.get("images") or {}).items() if isinstance(value, str)]
    before = {str(k): str(v) for k, v in (data.get("pinned_on") or {}).items()}
    dates = dict(before)
    for role, entry in zip(roles, entries):
        if entry.seen and entry.status in (PINNED, UPDATED):
            dates[role] = entry.seen
    return records.with_pinned_on(text, dates) if dates != before else text


def _verify(path: Path, new_text: str, kind: str, expected: list[tuple[Site, str | None]]) -> None:
    """Re-read the rewritten text: the same references in the same order, each pinned one now carrying its digest."""
    found = [s for s in references.find(path, new_text, kind) if s.kind != references.BASE_LABEL]
    if len(found) != len(expected):
        raise DocksealError(f"{path}: rewriting changed the number of image references; nothing was written")
    for now, (before, digest) in zip(found, expected):
        want = before.text.split("@", 1)[0] + (f"@{digest}" if digest else "")
        if now.text != (want if digest else before.text):
            raise DocksealError(f"{path}:{before.line}: rewriting {before.text} gave {now.text!r}; "
                                "nothing was written")


def _common_root(paths: list[Path]) -> str:
    import os

    common = os.path.commonpath([str(p.parent) for p in paths])
    return common


def _display(path: Path, root: Path) -> str:
    try:
        return path.relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return str(path)

"""The control catalog and the checks dockseal runs on Dockerfiles, compose files and manifests.

Public API: `discover(paths)` finds the Dockerfiles, compose files and Kubernetes manifests under `paths`;
`audit_files(paths, config)` runs every control over them and returns the findings that survive inline ignore
comments, checkov skip annotations and the config's ignores, with severity overrides applied. Whether the
findings fail the run is `failing(findings, config.fail_on)`.
"""

from __future__ import annotations

import fnmatch
import sys
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import Any, Iterable, Iterator

import yaml

from . import dockerfile as dockerfile_parser, pss, workers
from .config import Config
from .controls import PARSE_ERROR, Control, for_target, registry
from .controls._k8s import auditing
from .finding import Finding, Hit
from .layers import apply_pragmas, checkov_skips, configure, failing
from .sources import COMPOSE, DOCKERFILE, KUBERNETES, Source, compose_services, discover, read_text
from .yamlines import load_all

__all__ = ["Config", "Finding", "Source", "audit_files", "audit_source", "audit_sources", "discover", "excluded",
           "failing", "registry"]


@dataclass(frozen=True)
class _Context:
    trusted_registries: list[str]
    pss_version: str


def _run(control: Control, ctx: _Context, *args: Any) -> Iterable[Hit]:
    if control.needs_context:
        return control.check(*args, ctx)
    return control.check(*args)


def _finding(path: str, control: Control, hit: Hit) -> Finding:
    return Finding(path, hit.line, hit.column, control.id, control.severity, hit.message)


def _parse_error(path: str, message: str, line: int = 1, column: int = 1) -> Finding:
    meta = registry()[PARSE_ERROR]
    return Finding(path, line, column, meta.id, meta.severity, message)


def _audit_dockerfile(path: str, text: str, ctx: _Context) -> list[Finding]:
    try:
        doc = dockerfile_parser.parse(path, text)
    except ValueError as err:
        return [_parse_error(path, f"not a Dockerfile: {err}")]
    return [_finding(path, c, h) for c in for_target(DOCKERFILE) for h in _run(c, ctx, doc)]


def _audit_compose(path: str, docs: list[Any], ctx: _Context) -> list[Finding]:
    if not docs or not isinstance(docs[0], dict):
        return [_parse_error(path, "not a compose file: expected a mapping with services")]
    out = []
    controls = for_target(COMPOSE)
    services = compose_services(docs[0])
    names = getattr(services, "marks", {})
    for name, service in services.items():
        if isinstance(service, dict):
            if name in names and hasattr(service, "pos"):
                service.pos = names[name]  # a finding on the whole service points at its name (and its ignores)
            out += [_finding(path, c, h) for c in controls for h in _run(c, ctx, str(name), service)]
    return out


def _honours_checkov_skip(control: Control, skipped: set[str]) -> bool:
    """A checkov skip annotation also skips the dockseal control that is the same check (never the PSS ones)."""
    return bool(skipped) and not any(r.startswith("PSS") for r in control.references) and \
        any(r in skipped for r in control.references)


def _objects(docs: list[Any]) -> Iterator[dict]:
    """Every object of the documents, the items of a `List` each one in its own right: its own annotations,
    namespace and positions."""
    for obj in docs:
        items = pss.list_items(obj)
        if items is not None:
            yield from _objects(items)
        elif isinstance(obj, dict):
            yield obj


def _audit_kubernetes(path: str, docs: list[Any], ctx: _Context) -> list[Finding]:
    out = []
    controls = for_target(KUBERNETES)
    for obj in _objects(docs):
        skipped = checkov_skips(obj)
        with auditing(obj):
            out += [_finding(path, c, h) for c in controls if not _honours_checkov_skip(c, skipped)
                    for h in _run(c, ctx, obj)]
    return out


def _yaml_error(path: str, err: yaml.YAMLError) -> Finding:
    mark = getattr(err, "problem_mark", None)
    line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    return _parse_error(path, f"not valid YAML: {getattr(err, 'problem', None) or err}", line, column)


def audit_source(source: Source, config: Config | None = None) -> list[Finding]:
    """Every finding in one file, after inline ignores and config layers."""
    config = config or Config()
    ctx = _Context(config.registries, config.pss_version)
    path = str(source.path)
    try:
        text = read_text(source.path)
    except (OSError, ValueError) as err:
        return configure([_parse_error(path, f"cannot read: {getattr(err, 'strerror', None) or err}")], config)
    try:
        if source.kind == DOCKERFILE:
            raw = _audit_dockerfile(path, text, ctx)
        else:
            try:
                docs = load_all(text)
            except yaml.YAMLError as err:
                return configure([_yaml_error(path, err)], config)
            raw = _audit_compose(path, docs, ctx) if source.kind == COMPOSE else _audit_kubernetes(path, docs, ctx)
    except RecursionError:  # YAML nested deeper than Python recurses (libyaml itself allows 1000 levels)
        return configure([_parse_error(path, "nested too deeply to audit")], config)
    return configure(sorted(apply_pragmas(raw, text)), config)


def excluded(path: Path, patterns: tuple[str, ...]) -> bool:
    text = path.as_posix()
    return any(fnmatch.fnmatch(text, p) or fnmatch.fnmatch(text, f"*/{p}") for p in patterns)


def audit_sources(sources: list[Source], config: Config | None = None, jobs: int | None = None) -> list[Finding]:
    """Every finding of `sources`, in their order; a large batch is spread over `jobs` worker processes."""
    config = config or Config()
    config = replace(config, allowed_registries=tuple(config.registries))  # the team policy is read once, not per file
    return workers.flat_map(partial(audit_source, config=config), sources, jobs,
                            stays=lambda s: s.kind == DOCKERFILE and dockerfile_parser.BUILDKIT_MODULE in sys.modules)


def audit_files(paths: list[Path], config: Config | None = None, jobs: int | None = None) -> list[Finding]:
    """Discover the auditable files under `paths` and return every finding, sorted by file and line."""
    config = config or Config()
    sources = [s for s in discover([Path(p) for p in paths]) if not excluded(s.path, config.exclude)]
    return audit_sources(sources, config, jobs)

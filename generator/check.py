"""`dockseal check`: does each service still equal what its answers render, with current pins and policy?

Drift is content, not a version number: every generated file is compared byte for byte with a render of the
recorded answers and pins through the current template. The render is skipped only when it is provably the same
render that was sealed into the record (same template fingerprint, same record): then the recorded hashes are
exactly that render's content. One process checks every service, so a monorepo pays Python's start-up once.
"""

from __future__ import annotations

import fnmatch
import os
import re
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Callable

from . import catalog, policy_config, refs
from . import record as records
from . import source as sources
from .config import OrgConfig
from .errors import DocksealError
from .seal import RECORD, file_hash, fingerprint, record_head

_SKIP = {".git", "node_modules", ".venv", "venv", "__pycache__", ".tox", "vendor", "target", "dist", "build"}


@dataclass(frozen=True)
class Finding:
    """One problem in one file; `rule` is stable (drift, missing-file, stale-pin, ...) for SARIF and filters."""

    rule: str
    level: str  # error | warning | note
    message: str
    path: str
    line: int = 1


def find_services(root: Path) -> list[Path]:
    """Every directory below `root` holding a `.dockseal.yml` (skipping VCS, dependency and build folders)."""
    found = []
    for dirpath, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in _SKIP and not d.startswith(".dockseal"))
        if RECORD in names:
            found.append(Path(dirpath))
    return found


def check_services(directories: list[Path], org: OrgConfig, template: str | None = None, trust: bool = False,
                   full: bool = False) -> list[Finding]:
    """Every service's findings; a template named by many records is resolved once for the whole run (a local
    template costs two git calls, a git URL a clone)."""
    findings: list[Finding] = []
    resolve = lru_cache(maxsize=None)(sources.resolve)
    for directory in directories:
        try:
            findings.extend(check_service(directory, org, template, trust, full, resolve))
        except sources.UntrustedTemplate:
            raise
        except DocksealError as err:
            findings.append(Finding("record", "error", str(err), _rel(directory / RECORD)))
    return findings


def check_service(directory: Path, org: OrgConfig, template: str | None = None, trust: bool = False,
                  full: bool = False,
                  resolve: Callable[[str], sources.TemplateSource] = sources.resolve) -> list[Finding]:
    rec = records.load(directory)
    src = resolve(template or org.template or rec.template["source"])
    src.require_trust(trust)
    team = policy_config.load(directory, org.path, org=org, record=rec.settings)
    findings = [Finding("record", "note", m, _rel(rec.path)) for m in rec.messages]
    findings += _drift(directory, rec, src, full, org.ignore)
    findings += _pins(directory, rec, team)
    findings += _policy(directory, rec, org, team)
    return findings


def _drift(directory: Path, rec: records.Record, src: sources.TemplateSource, full: bool,
           ignore: list[str]) -> list[Finding]:
    text = rec.path.read_text(encoding="utf-8")
    sealed = (not full and rec.rendered_files and rec.rendered_fingerprint == fingerprint(str(src.path))
              and rec.rendered_record == file_hash(record_head(text).encode("utf-8")))
    if sealed:
        expected = rec.rendered_files
    else:
        from .answers import resolve
        from .questions import questions
        from .render import render

        answers = resolve(questions(), rec.answers)
        files = render(answers, src.path, rec.images, source=src.record(), in_process=True,
                       pinned_on=rec.pinned_on)
        expected = {rel: file_hash(data) for rel, data in files.items() if rel != RECORD}
        head = record_head(files.get(RECORD, b"").decode("utf-8"))
        if files.get(RECORD) and _record_data(head) != _record_data(record_head(text)):
            expected[RECORD] = file_hash(files[RECORD])
    out = []
    for rel, want in sorted(expected.items()):
        if any(fnmatch.fnmatch(rel, pattern) for pattern in ignore):
            continue
        path = directory / rel
        if rel == RECORD:
            out.append(Finding("drift", "error", "the recorded answers or pins are not what a render of them "
                               "records (edited by hand?); run `dockseal update`", _rel(path)))
        elif not path.is_file():
            out.append(Finding("missing-file", "error", f"{rel} is generated for this service but missing; "
                               "restore it from version control (`dockseal update` keeps a deleted file "
                               "deleted) or list it under check.ignore in the organisation config", _rel(path)))
        elif file_hash(path.read_bytes()) != want:
            line = _first_difference(path, directory, rel, None if sealed else files.get(rel))
            out.append(Finding("drift", "error", f"{rel} differs from what its answers render with "
                               f"{'the sealed' if sealed else 'the current'} template; run `dockseal update` "
                               "(or list it under check.ignore in the organisation config)", _rel(path), line))
    return out


def _record_data(head: str) -> tuple:
    from .yamlio import safe_load

    data = safe_load(head) or {}
    return (data.get("answers"), data.get("images"))


def _first_difference(path: Path, directory: Path, rel: str, rendered: bytes | None) -> int:
    if rendered is None:
        return 1
    ours = path.read_bytes().splitlines()
    theirs = rendered.splitlines()
    for number, (a, b) in enumerate(zip(ours, theirs), start=1):
        if a != b:
            return number
    return min(len(ours), len(theirs)) + 1


def _pins(directory: Path, rec: records.Record, team: policy_config.TeamConfig) -> list[Finding]:
    """Every base pinned by digest, and none older than what the catalog knows for its tag.

    Two digests of one tag are ordered by the date each was seen current: the catalog's observation, and the
    record's `pinned_on` (written by `new`/`update` from the catalog, by `dockseal pin` from the registry)."""
    cat = catalog.load()
    out = []
    where = _rel(rec.path)
    for role, reference in sorted(rec.images.items()):
        try:
            ref = refs.parse(reference)
        except DocksealError as err:
            out.append(Finding("missing-pin", "error", f"{role} image {reference[:80]!r}: {err}", where))
            continue
        if not ref.digest:
            out.append(Finding("missing-pin", "error", f"{role} image {reference} has no digest", where))
            continue
        known = cat.find(reference)
        on = rec.pinned_on.get(role, "")
        if known and known.ref.digest != ref.digest and on < str(known.observed):
            out.append(Finding("stale-pin", "error", f"{role} image {known.tagged} is pinned to {ref.digest[:19]}… "
                               f"(seen current {on or 'on an unknown date'}); the catalog has "
                               f"{known.ref.digest[:19]}…, observed {known.observed}: run `dockseal update` "
                               "(catalog digest) or `dockseal pin` (the registry's)", where))
        elif known and known.ref.digest != ref.digest:
            out.append(Finding("pin-differs", "note", f"{role} image {known.tagged} is pinned to {ref.digest[:19]}…, "
                               f"seen current on {on}, after the catalog's {known.ref.digest[:19]}… (observed "
                               f"{known.observed})", where))
        if known:
            seen = replace(known, ref=ref, observed=on or ("" if known.ref.digest != ref.digest else known.observed))
            out.extend(Finding("stale-pin", "note", line, where)
                       for line in catalog.age_warnings({role: seen}, team.max_digest_age_days))
    dockerfile = directory / "Dockerfile"
    if dockerfile.is_file():
        stages: set[str] = set()
        for number, image, alias in _from_lines(dockerfile):
            if image.lower() not in stages and image != "scratch" and "@sha256:" not in image:
                out.append(Finding("missing-pin", "error", f"FROM {image} is not pinned by digest",
                                   _rel(dockerfile), number))
            if alias:
                stages.add(alias.lower())
    return out


_FROM = re.compile(r"^\s*FROM\s+(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?", re.IGNORECASE)
_LABEL_KEY = re.compile(r'(?:^|\s)([A-Za-z0-9._-]+)=')


def _from_lines(dockerfile: Path) -> list[tuple[int, str, str | None]]:
    out = []
    for number, line in enumerate(dockerfile.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
        match = _FROM.match(line)
        if match:
            out.append((number, match.group(1), match.group(2)))
    return out


def _labels(dockerfile: Path) -> set[str]:
    """Keys of every LABEL instruction (continuation lines joined; values are not needed)."""
    keys: set[str] = set()
    text = dockerfile.read_text(encoding="utf-8", errors="replace").replace("\\\n", " ")
    for line in text.splitlines():
        if line.lstrip().upper().startswith("LABEL "):
            keys.update(_LABEL_KEY.findall(re.sub(r'"(\\.|[^"\\])*"', '""', line.lstrip()[6:])))
    return keys


def _policy(directory: Path, rec: records.Record, org: OrgConfig,
            team: policy_config.TeamConfig) -> list[Finding]:
    out = []
    dockerfile = directory / "Dockerfile"
    for role, reference in sorted(rec.images.items()):
        if not team.allows(reference):
            out.append(Finding("policy/registry", "error", f"{role} image {reference.split('@')[0]} is not from "
                               "an allowed registry", _rel(rec.path)))
    if org.uid is not None:
        for key in ("uid", "gid"):
            if rec.answers.get(key) != org.uid:
                out.append(Finding("policy/uid", "error", f"answer {key} is {rec.answers.get(key)}; the "
                                   f"organisation requires {org.uid}", _rel(rec.path)))
    if org.required_labels and dockerfile.is_file():
        missing = sorted(set(org.required_labels) - _labels(dockerfile))
        if missing:
            out.append(Finding("policy/labels", "error", f"missing required label(s): {', '.join(missing)}",
                               _rel(dockerfile)))
    out.extend(_controls(directory, team))
    return out


def _controls(directory: Path, team: policy_config.TeamConfig) -> list[Finding]:
    """The control catalog (generator.policy.audit_files) over the service's Dockerfiles, compose files and
    manifests, with the team's registry allow-list."""
    from .policy import Config, audit_files

    config = Config(allowed_registries=team.allowed_registries)
    levels = {"error": "error", "warning": "warning", "info": "note"}
    return [Finding(f"control/{f.control}", levels.get(f.severity, "error"), f.message, _rel(Path(f.path)), f.line)
            for f in audit_files([directory], config)]


def _rel(path: Path) -> str:
    try:
        return Path(os.path.relpath(path)).as_posix()
    except ValueError:
        return path.as_posix()

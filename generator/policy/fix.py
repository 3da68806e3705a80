"""`dockseal audit --fix`: the safe, mechanical fixes, planned as whole-file changes and written atomically.

A fix is made only where the audit reports the control it answers, after the config's ignores and the file's
ignore comments: an ignored control is never "fixed", an excluded file never touched. A value the file sets is
never replaced, only a missing one added.
- Digests (DS001): each FROM whose repo:tag is in dockseal's catalog gets the catalog's index digest (also
  offline and in --dry-run); then, unless --offline, `dockseal pin` resolves the remaining references of the
  files with unpinned images (DS001, DS101, DS201) from their registries.
- Dockerfile (DS003, DS004): give a final stage built on a shell-less catalog image (distroless, static) or
  scratch a numeric `USER 65532:65532`, or turn `USER nonroot` into the numbers the catalog records for it.
- Kubernetes: add `imagePullPolicy: Always` where none is set (DS202); add `allowPrivilegeEscalation: false`,
  `capabilities.drop: [ALL]` (when nothing is added), a pod-level `seccompProfile: RuntimeDefault` (none of
  which a Windows pod may set) and `runAsNonRoot: true` where a non-zero runAsUser is already set (DS210).
- compose (DS105): add `no-new-privileges:true` to security_opt.
Only the YAML documents that change are rewritten (the others, comments and comment-only documents included,
stay byte for byte); CRLF line ends and a byte order mark are kept. Every changed file is parsed back before
it is written; a file that does not parse back is left alone.
"""

from __future__ import annotations

import codecs
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Collection

import yaml

from .. import catalog, writer
from . import audit_source, dockerfile as dockerfile_parser
from . import pss
from .config import Config
from .sources import COMPOSE, DOCKERFILE, KUBERNETES, Source, compose_services, decode

NONROOT = "65532:65532"
EVERY = frozenset({"DS001", "DS003", "DS004", "DS105", "DS202", "DS210"})  # the controls a fix answers
UNPINNED = frozenset({"DS001", "DS101", "DS201"})  # unpinned images: what `dockseal pin` resolves
_DOCUMENT_START = re.compile(r"^---(?=\s|$)", re.M)
_MARKER_WITH_CONTENT = re.compile(r"^---[ \t]+[^#\s]", re.M)


@dataclass
class FixPlan:
    changes: list[tuple[Path, writer.Change]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    unpinned: list[Path] = field(default_factory=list)  # files with unpinned images left to the registries


def _catalog_pin(image: str) -> str | None:
    try:
        found = catalog.load().find(image)
    except Exception:  # noqa: BLE001 - not a reference the catalog can read: nothing to pin
        return None
    return f"{image}@{found.ref.digest}" if found else None


def _keeping_crlf(fix: Callable[[str], str], text: str) -> str:
    """`fix` applied to `text` with CRLF line ends turned to LF and back (when every line ends so)."""
    if "\r\n" not in text or text.count("\r\n") != text.count("\n"):
        return fix(text)
    return fix(text.replace("\r\n", "\n")).replace("\n", "\r\n")


def fix_dockerfile(text: str, wanted: Collection[str] = EVERY) -> str:
    """The Dockerfile with catalog digests pinned and a numeric non-root USER where the image allows."""
    return _keeping_crlf(lambda t: _fix_dockerfile(t, wanted), text)


def _fix_dockerfile(text: str, wanted: Collection[str]) -> str:
    doc = dockerfile_parser.parse("", text)
    lines = text.split("\n")
    for stage in doc.stages if "DS001" in wanted else ():
        image = stage.from_.args[0] if stage.from_.args else ""
        if stage.external and "@" not in image and "$" not in image:
            pinned = _catalog_pin(image)
            i = stage.from_.line - 1
            if pinned and image in lines[i]:
                lines[i] = lines[i].replace(image, pinned, 1)
    final = doc.final
    if final is not None:
        user = final.last("USER")
        base = doc.root(final)
        entry = catalog.load().find(base.image) if base.external and "$" not in base.image else None
        if user is None and final.parent is None and "DS003" in wanted and \
                (base.image.lower() == "scratch" or (entry and not entry.shell)):
            last = final.body[-1] if final.body else final.from_
            lines.insert(last.end_line, f"USER {NONROOT}")
        elif user is not None and user.args and entry and entry.user.isdigit() and user.args[0] == "nonroot" \
                and "DS004" in wanted:
            lines[user.line - 1] = lines[user.line - 1].replace("nonroot", f"{entry.user}:{entry.user}", 1)
    return "\n".join(lines)


def _sequence_offset(text: str) -> int:
    """How far this file indents `- ` under its parent key (0 for `key:\n- a`, 2 for `key:\n  - a`)."""
    previous = None
    for line in text.splitlines():
        stripped = line.lstrip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.startswith("- ") and previous is not None and previous[1].endswith(":"):
            return max(0, len(line) - len(stripped) - previous[0])
        previous = (len(line) - len(stripped), stripped)
    return 0


def _round_trip(text: str):
    """A round-trip loader that writes back with the file's own sequence indentation."""
    from ruamel.yaml import YAML

    offset = _sequence_offset(text)
    rt = YAML()
    rt.preserve_quotes = True
    rt.width = 4096
    rt.indent(mapping=2, sequence=2 + offset, offset=offset)
    return rt


def _security_context(owner: dict) -> dict | None:
    """`owner`'s securityContext to add fields to (a new one, attached only once a field is added); None when
    it is not a mapping."""
    from ruamel.yaml.comments import CommentedMap

    security = owner.get("securityContext")
    return CommentedMap() if security is None else security if isinstance(security, dict) else None


def _attach(owner: dict, security: dict) -> None:
    if security and "securityContext" not in owner:
        owner["securityContext"] = security


def _run_as_non_root(security: dict) -> None:
    user = security.get("runAsUser")
    if isinstance(user, int) and not isinstance(user, bool) and user > 0:
        security.setdefault("runAsNonRoot", True)


def _container_fixes(container: dict, wanted: Collection[str], windows: bool) -> None:
    from ruamel.yaml.comments import CommentedMap

    if "DS202" in wanted and "imagePullPolicy" not in container:
        container["imagePullPolicy"] = "Always"
    security = _security_context(container) if "DS210" in wanted else None
    if security is not None:
        if not windows:  # a Windows pod may not set allowPrivilegeEscalation or capabilities
            security.setdefault("allowPrivilegeEscalation", False)
            caps = security.get("capabilities")
            if caps is None:
                security["capabilities"] = CommentedMap([("drop", ["ALL"])])
            elif isinstance(caps, dict) and not caps.get("add") and "ALL" not in (caps.get("drop") or []):
                caps["drop"] = ["ALL"]
        _run_as_non_root(security)
        _attach(container, security)


def _pod_fixes(spec: dict, wanted: Collection[str]) -> None:
    from ruamel.yaml.comments import CommentedMap

    windows = isinstance(spec.get("os"), dict) and spec["os"].get("name") == "windows"
    containers = [c for key in ("initContainers", "containers") for c in (spec.get(key) or [])
                  if isinstance(c, dict)]
    security = _security_context(spec) if "DS210" in wanted else None
    if security is not None:
        if not windows and "seccompProfile" not in security and not any(  # Windows pods may not set it
                isinstance(c.get("securityContext"), dict) and "seccompProfile" in c["securityContext"]
                for c in containers):
            security["seccompProfile"] = CommentedMap([("type", "RuntimeDefault")])
        _run_as_non_root(security)
        _attach(spec, security)
    for container in containers:
        _container_fixes(container, wanted, windows)


def _fix_document(doc: object, kind: str, wanted: Collection[str]) -> bool:
    """Add the missing fields to one loaded document; whether anything was added (fixes only add, so a
    document that reads the same afterwards is unchanged)."""
    before = repr(doc)
    if kind == KUBERNETES:
        for template in pss.pod_specs(doc):
            _pod_fixes(template.spec, wanted)
    elif kind == COMPOSE and "DS105" in wanted:
        for service in compose_services(doc).values():
            opts = service.get("security_opt") if isinstance(service, dict) else ()
            if opts is None:
                service["security_opt"] = ["no-new-privileges:true"]
            elif isinstance(opts, list) and not any(str(o).startswith("no-new-privileges") for o in opts):
                opts.append("no-new-privileges:true")
    return repr(doc) != before


def _documents(text: str) -> list[str] | None:
    """The stream cut before each `---` line, each part one document (with its marker line and comments);
    None when a marker carries content or a directive is present, which only a whole-stream rewrite keeps."""
    if _MARKER_WITH_CONTENT.search(text) or re.search(r"^(?:%|\.\.\.)", text, re.M):
        return None
    cuts = [0, *[m.start() for m in _DOCUMENT_START.finditer(text) if m.start() > 0], len(text)]
    return [text[a:b] for a, b in zip(cuts, cuts[1:]) if b > a]


def _fix_part(part: str, kind: str, wanted: Collection[str], one_document: bool = True) -> str:
    """One document (or a whole stream) with the fixes made; the text unchanged when nothing is to add."""
    head, body = "", part
    if one_document and _DOCUMENT_START.match(part):  # the marker line stays as written
        end = part.find("\n") + 1 or len(part)
        head, body = part[:end], part[end:]
    rt = _round_trip(body)
    docs = list(rt.load_all(body))
    changed = False
    for doc in docs:
        changed = _fix_document(doc, kind, wanted) or changed
    if not changed:
        return part
    out = io.StringIO()
    if len(docs) == 1:
        rt.dump(docs[0], out)
    else:
        rt.dump_all(docs, out)
    return head + out.getvalue()


def fix_yaml(text: str, kind: str, wanted: Collection[str] = EVERY) -> str:
    """The compose file or manifest with the missing hardening fields added (comments kept)."""
    def fix(lf_text: str) -> str:
        parts = _documents(lf_text)
        if parts is None:
            return _fix_part(lf_text, kind, wanted, one_document=False)
        return "".join(_fix_part(part, kind, wanted) for part in parts)
    return _keeping_crlf(fix, text)


def _parses(text: str, kind: str) -> bool:
    try:
        if kind == DOCKERFILE:
            dockerfile_parser.parse("", text)
        else:
            list(yaml.safe_load_all(text))
    except (ValueError, yaml.YAMLError):
        return False
    return True


def plan(sources: list[Source], config: Config | None = None) -> FixPlan:
    """The changes --fix would make for what the audit reports; files that cannot be parsed (before or after)
    are noted and left alone."""
    result = FixPlan()
    for source in sources:
        wanted = {f.control for f in audit_source(source, config)}
        if wanted & UNPINNED:
            result.unpinned.append(source.path)
        if not wanted & EVERY:
            continue
        try:
            data = source.path.read_bytes()
            text = decode(data)
            new = fix_dockerfile(text, wanted) if source.kind == DOCKERFILE else fix_yaml(text, source.kind, wanted)
        except Exception as err:  # noqa: BLE001 - any parser's failure: leave the file as it is
            result.notes.append(f"{source.path}: not fixed (cannot parse it: {str(err).splitlines()[0] if str(err) else type(err).__name__})")
            continue
        if new == text:
            continue
        if not _parses(new, source.kind):
            result.notes.append(f"{source.path}: not fixed (the fixed file would not parse back)")
            continue
        encoded = new.encode("utf-8-sig" if data.startswith(codecs.BOM_UTF8) else "utf-8")
        for change in writer.plan(source.path.parent, {source.path.name: encoded}):
            result.changes.append((source.path.parent, change))
    return result


def apply(result: FixPlan) -> list[Path]:
    """Write every planned change atomically (per directory); returns the files written."""
    written = []
    by_dir: dict[Path, list[writer.Change]] = {}
    for directory, change in result.changes:
        by_dir.setdefault(directory, []).append(change)
    for directory, changes in by_dir.items():
        written += [directory / p for p in writer.commit(directory, changes)]
    return written


def pin_from_registries(paths: list[Path]) -> list[str]:
    """Pin what the catalog could not through `dockseal pin`; its refusals come back as notes, not failures."""
    from .. import pin
    from ..errors import DocksealError

    if not paths:
        return []
    try:
        report = pin.run(pin.Options(list(paths)))
    except DocksealError as err:
        return [f"digests not resolved from the registries: {err}"]
    return [*report.warnings, *(f"pinned {p}" for p in report.written)]

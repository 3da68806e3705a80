"""`dockseal audit --fix`: the safe, mechanical fixes, planned as whole-file changes and written atomically.

- Digests: each FROM whose repo:tag is in dockseal's catalog gets the catalog's index digest (also offline and
  in --dry-run); then, unless --offline, `dockseal pin` resolves every remaining reference from its registry.
- Dockerfile: give a final
  stage built on a shell-less catalog image (distroless, static) or scratch a numeric `USER 65532:65532`, or
  turn `USER nonroot` into the numbers the catalog records for that image.
- Kubernetes: add `allowPrivilegeEscalation: false`, `capabilities.drop: [ALL]` (when nothing is added),
  `imagePullPolicy: Always`, a pod-level `seccompProfile: RuntimeDefault`, and `runAsNonRoot: true` where a
  non-zero runAsUser is already set.
- compose: add `no-new-privileges:true` to security_opt.
Every changed file is parsed back before it is written; a file that does not parse back is left alone.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .. import catalog, writer
from . import dockerfile as dockerfile_parser
from . import pss
from .sources import COMPOSE, DOCKERFILE, KUBERNETES, Source, compose_services, read_text

NONROOT = "65532:65532"


@dataclass
class FixPlan:
    changes: list[tuple[Path, writer.Change]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _catalog_pin(image: str) -> str | None:
    try:
        found = catalog.load().find(image)
    except Exception:  # noqa: BLE001 - not a reference the catalog can read: nothing to pin
        return None
    return f"{image}@{found.ref.digest}" if found else None


def fix_dockerfile(text: str) -> str:
    """The Dockerfile with catalog digests pinned and a numeric non-root USER where the image allows."""
    doc = dockerfile_parser.parse("", text)
    lines = text.split("\n")
    for stage in doc.stages:
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
        if user is None and final.parent is None and (base.image.lower() == "scratch" or (entry and not entry.shell)):
            last = final.body[-1] if final.body else final.from_
            lines.insert(last.end_line, f"USER {NONROOT}")
        elif user is not None and user.args and entry and entry.user.isdigit() and user.args[0] == "nonroot":
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


def _container_fixes(container: dict) -> None:
    from ruamel.yaml.comments import CommentedMap

    if container.get("imagePullPolicy") != "Always":
        container["imagePullPolicy"] = "Always"
    security = container.setdefault("securityContext", CommentedMap())
    if not isinstance(security, dict):
        return
    security.setdefault("allowPrivilegeEscalation", False)
    caps = security.get("capabilities")
    if caps is None:
        security["capabilities"] = CommentedMap([("drop", ["ALL"])])
    elif isinstance(caps, dict) and not caps.get("add") and "ALL" not in (caps.get("drop") or []):
        caps["drop"] = ["ALL"]
    user = security.get("runAsUser")
    if isinstance(user, int) and user > 0:
        security.setdefault("runAsNonRoot", True)


def _pod_fixes(spec: dict) -> None:
    from ruamel.yaml.comments import CommentedMap

    security = spec.setdefault("securityContext", CommentedMap())
    if not isinstance(security, dict):
        return
    containers = [c for key in ("initContainers", "containers") for c in (spec.get(key) or [])
                  if isinstance(c, dict)]
    if "seccompProfile" not in security and not any(
            isinstance(c.get("securityContext"), dict) and "seccompProfile" in c["securityContext"] for c in containers):
        security["seccompProfile"] = CommentedMap([("type", "RuntimeDefault")])
    user = security.get("runAsUser")
    if isinstance(user, int) and user > 0:
        security.setdefault("runAsNonRoot", True)
    for container in containers:
        _container_fixes(container)


def fix_yaml(text: str, kind: str) -> str:
    """The compose file or manifest with the missing hardening fields added (comments kept)."""
    rt = _round_trip(text)
    docs = list(rt.load_all(text))
    for doc in docs:
        if kind == KUBERNETES:
            for template in pss.pod_specs(doc):
                _pod_fixes(template.spec)
        elif kind == COMPOSE:
            for service in compose_services(doc).values():
                if isinstance(service, dict):
                    opts = service.setdefault("security_opt", [])
                    if isinstance(opts, list) and not any(str(o).startswith("no-new-privileges") for o in opts):
                        opts.append("no-new-privileges:true")
    out = io.StringIO()
    if len(docs) == 1:
        rt.dump(docs[0], out)
    else:
        rt.dump_all(docs, out)
    return out.getvalue()


def _parses(text: str, kind: str) -> bool:
    try:
        if kind == DOCKERFILE:
            dockerfile_parser.parse("", text)
        else:
            list(yaml.safe_load_all(text))
    except (ValueError, yaml.YAMLError):
        return False
    return True


def plan(sources: list[Source]) -> FixPlan:
    """The changes --fix would make; files that cannot be parsed (before or after) are noted and left alone."""
    result = FixPlan()
    for source in sources:
        try:
            text = read_text(source.path)
            new = fix_dockerfile(text) if source.kind == DOCKERFILE else fix_yaml(text, source.kind)
        except Exception as err:  # noqa: BLE001 - any parser's failure: leave the file as it is
            result.notes.append(f"{source.path}: not fixed (cannot parse it: {str(err).splitlines()[0] if str(err) else type(err).__name__})")
            continue
        if new == text:
            continue
        if not _parses(new, source.kind):
            result.notes.append(f"{source.path}: not fixed (the fixed file would not parse back)")
            continue
        for change in writer.plan(source.path.parent, {source.path.name: new.encode("utf-8")}):
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

    try:
        report = pin.run(pin.Options(list(paths)))
    except DocksealError as err:
        return [f"digests not resolved from the registries: {err}"]
    return [*report.warnings, *(f"pinned {p}" for p in report.written)]

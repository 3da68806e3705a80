"""Find image references in Dockerfiles, compose files, Kubernetes manifests, kustomizations and `.dockseal.yml`.

Each reference is returned with the exact character span it occupies in the file, so `pin` can rewrite it in
place and leave every other byte as it was. Dockerfiles are read instruction by instruction (continuations,
comments, heredocs, the `escape` directive, global `ARG` defaults); YAML is read with PyYAML's node tree, whose
marks give each scalar's position, so comments, quoting and key order survive untouched.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Iterator

from . import refs
from .errors import InputError

DOCKERFILE = "dockerfile"
COMPOSE = "compose"
KUBERNETES = "kubernetes"
KUSTOMIZATION = "kustomization"
RECORD = "record"
BASE_LABEL = "dockerfile-label"  # `org.opencontainers.image.base.digest`, which follows its stage's FROM
_BASE_DIGEST_LABEL = "org.opencontainers.image.base.digest="

_DOCKERFILE_NAME = re.compile(r"^(?:(?:Docker|Container)file(?:\.[\w.-]+)?|[\w.-]+\.(?:[Dd]ockerfile|[Cc]ontainerfile))$")
_NOT_DOCKERFILE_SUFFIX = (".j2", ".jinja", ".jinja2", ".tmpl", ".tpl",
                          ".dockerignore")  # templates, and BuildKit's per-Dockerfile ignore file
_COMPOSE_NAME = re.compile(r"^(?:docker-)?compose(?:\.[\w-]+)?\.ya?ml$")
_KUSTOMIZATION_NAME = ("kustomization.yaml", "kustomization.yml", "Kustomization")
_VAR = re.compile(r"\$(?:\{(\w+)\}|(\w+))")
_WHOLE_VAR = re.compile(r"^\$(?:\{(\w+)\}|(\w+))$")
_COMPOSE_DEFAULT = re.compile(r"^\$\{(\w+):?-([^${}]+)\}$")
# A here-document opens only where a whole shell word is `[n]<<[-]WORD` (BuildKit's heredocsFromLine): never
# inside quotes (`echo "<<EOF"`) nor mid-word (`$((1<<BITS))`).
_HEREDOC = re.compile(r"\d*<<(-?)([\"']?)([A-Za-z_][\w]*)\2")
_ARG_TOKEN = re.compile(r"""(?:[^\s"']+|"(?:\\.|[^"\\])*"|'[^']*')+""")
# Version control, dependencies and caches. Not build/ or dist/: Go's standard layout keeps its Dockerfiles in
# build/package/, and manifests rendered into dist/ are the ones deployed.
SKIP_DIRS = {".git", ".hg", ".svn", "node_modules", ".venv", "venv", "__pycache__", ".tox", ".mypy_cache",
             ".pytest_cache", "vendor"}


@dataclass(frozen=True)
class Site:
    """One reference in one file. `start`/`end` span the text to replace (None when it cannot be rewritten)."""

    path: Path
    line: int
    kind: str  # dockerfile-from | dockerfile-arg | dockerfile-copy | compose | kubernetes | kustomization | record
    text: str  # the reference as written (for an ARG, its default)
    start: int | None = None
    end: int | None = None
    style: str = "raw"  # raw | plain | single | double | kustomize
    skip: str | None = None  # why it is not pinned automatically
    blocking: bool = False  # a skipped reference that `--check` still reports as unpinned
    insert_at: int | None = None  # kustomization: where a new `digest:` line goes
    insert_indent: str | None = None  # kustomization: line break + indentation of that line; None: flow style
    base_index: int | None = None  # BASE_LABEL: index (in the same file's list) of the FROM it describes

    @property
    def ref(self) -> refs.ImageRef | None:
        if self.text != self.text.strip():
            return None
        try:
            return refs.parse(self.text)
        except InputError:
            return None


def classify(path: Path, text: str | None = None) -> str | None:
    """The kind of file `path` is, by name, or by content for YAML with Kubernetes or compose shape."""
    name = path.name
    if name.endswith(_NOT_DOCKERFILE_SUFFIX):
        return None
    if name == ".dockseal.yml":
        return RECORD
    if _DOCKERFILE_NAME.match(name):
        return DOCKERFILE
    if name in _KUSTOMIZATION_NAME:
        return KUSTOMIZATION
    if _COMPOSE_NAME.match(name):
        return COMPOSE
    if name.endswith((".yaml", ".yml")) and text is not None and re.search(r"(?:^|[\s{,])image:", text, re.M):
        return KUBERNETES if re.search(r"^kind:", text, re.M) else (COMPOSE if re.search(r"^services:", text, re.M)
                                                                    else None)
    return None


def discover(paths: list[Path]) -> Iterator[tuple[Path, Path, bool]]:
    """(root argument, file, named explicitly) for every candidate file under `paths`."""
    for root in paths:
        if root.is_file():
            yield root, root, True
        elif root.is_dir():
            for path in sorted(root.rglob("*")):
                rel = path.relative_to(root).parts
                if any(part in SKIP_DIRS or part.startswith("{{") for part in rel[:-1]):
                    continue
                if path.is_file() and not path.is_symlink():
                    yield root, path, False
        else:
            raise InputError(f"{root}: no such file or directory")


def find(path: Path, text: str, kind: str) -> list[Site]:
    """Every image reference in `text` (the content of `path`, of `kind`)."""
    if kind == DOCKERFILE:
        return _dockerfile(path, text)
    return _yaml(path, text, kind)


# ---------------------------------------------------------------------------------------------- Dockerfile
@dataclass
class _Instruction:
    keyword: str
    text: str  # logical line, continuations joined
    offsets: list[int]  # file offset of each character of `text`
    lines: list[int]  # physical line of each character

    def tokens(self, pattern: re.Pattern[str] = re.compile(r"\S+")) -> list[tuple[str, int, int]]:
        return [(m.group(), m.start(), m.end()) for m in pattern.finditer(self.text)]


def _instructions(text: str) -> Iterator[_Instruction]:
    physical = re.findall(r"[^\n]*\n|[^\n]+\Z", text)  # only \n ends a line, as in BuildKit (not U+2028...)
    escape = "\\"
    for line in physical:  # parser directives come first: `# escape=`` ` switches the continuation character
        match = re.match(r"^#\s*(\w+)\s*=\s*(\S+)\s*$", line)
        if not match or match.group(1).lower() not in ("syntax", "escape", "check"):
            break  # an unknown directive is a comment, and after a comment none is read
        if match.group(1).lower() == "escape" and match.group(2) in ("\\", "`"):
            escape = match.group(2)
    offset, index = 0, 0
    starts = []
    for line in physical:
        starts.append(offset)
        offset += len(line)
    while index < len(physical):
        line = physical[index]
        if not line.strip() or line.lstrip().startswith("#"):
            index += 1
            continue
        chars: list[str] = []
        offsets: list[int] = []
        lines: list[int] = []
        while index < len(physical):
            line = physical[index]
            if chars and (not line.strip() or line.lstrip().startswith("#")):
                index += 1
                continue
            body = line.rstrip("\r\n")
            stripped = body.rstrip()
            continued = stripped.endswith(escape)
            body = stripped[:-1] if continued else body
            chars.extend(body)
            offsets.extend(range(starts[index], starts[index] + len(body)))
            lines.extend([index + 1] * len(body))
            index += 1
            if not continued:
                break
        logical = "".join(chars)
        keyword = logical.split(None, 1)[0].upper() if logical.strip() else ""
        yield _Instruction(keyword, logical, offsets, lines)
        if keyword in ("RUN", "COPY", "ADD"):
            for dash, word in [(m.group(1), m.group(3)) for m in map(_HEREDOC.fullmatch, _ARG_TOKEN.findall(logical))
                               if m]:
                while index < len(physical):
                    body = physical[index].rstrip("\r\n")
                    index += 1
                    if (body.lstrip("\t") if dash else body) == word:
                        break


def _unquote_span(token: str, start: int, end: int) -> tuple[str, int, int]:
    if len(token) >= 2 and token[0] == token[-1] and token[0] in "\"'":
        return token[1:-1], start + 1, end - 1
    return token, start, end


def _dockerfile(path: Path, text: str) -> list[Site]:
    instructions = list(_instructions(text))
    stages = {ins.tokens()[-1][0].lower() for ins in instructions
              if ins.keyword == "FROM" and len(ins.tokens()) >= 3 and ins.tokens()[-2][0].lower() == "as"}
    global_args: dict[str, tuple[str, int, int, int] | None] = {}
    seen_from = False
    sites: list[Site] = []
    arg_sites: dict[str, Site] = {}
    stage_base: int | None = None
    for ins in instructions:
        if ins.keyword == "ARG" and not seen_from:
            for token, start, end in ins.tokens(_ARG_TOKEN)[1:]:
                name, eq, _value = token.partition("=")
                if not eq:
                    global_args.setdefault(name, None)
                    continue
                value, vstart, vend = _unquote_span(token[len(name) + 1:], start + len(name) + 1, end)
                global_args[name] = (value, ins.offsets[vstart], ins.offsets[vend - 1] + 1, ins.lines[vstart])
        elif ins.keyword == "FROM":
            seen_from = True
            args = [t for t in ins.tokens()[1:] if not t[0].startswith("--")]
            if not args:
                continue
            token, start, end = args[0]
            stage_base = None
            if token.lower() == "scratch" or token.lower() in stages:
                continue
            site = _from_site(path, ins, token, start, end, global_args, arg_sites)
            if site is not None:
                sites.append(site)
            if site is not None or "$" in token:
                stage_base = len(sites) - 1 if site is not None else next(
                    (i for i, s in enumerate(sites) if s.kind == "dockerfile-arg" and s.start is not None
                     and _WHOLE_VAR.match(token) and arg_sites.get(_var_name(token)) is s), None)
        elif ins.keyword == "LABEL" and stage_base is not None:
            for token, start, end in ins.tokens(_ARG_TOKEN)[1:]:
                if token.startswith(_BASE_DIGEST_LABEL):
                    value, vstart, vend = _unquote_span(token[len(_BASE_DIGEST_LABEL):],
                                                        start + len(_BASE_DIGEST_LABEL), end)
                    if value and "$" not in value:
                        sites.append(Site(path, ins.lines[vstart], BASE_LABEL, value, ins.offsets[vstart],
                                          ins.offsets[vend - 1] + 1, base_index=stage_base))
        elif ins.keyword in ("COPY", "ADD"):
            for token, start, end in ins.tokens()[1:]:
                if not token.startswith("--from="):
                    continue
                value = token[len("--from="):]
                vstart = start + len("--from=")
                if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":  # BuildKit unquotes flags
                    value, vstart, end = value[1:-1], vstart + 1, end - 1
                if not value or value.isdigit() or value.lower() in stages:
                    continue
                line = ins.lines[vstart]
                if "$" in value:
                    sites.append(Site(path, line, "dockerfile-copy", value, skip="uses a build variable; write "
                                      "the image reference literally to pin it", blocking=True))
                else:
                    sites.append(Site(path, line, "dockerfile-copy", value, ins.offsets[vstart],
                                      ins.offsets[end - 1] + 1))
    return sites


def _var_name(token: str) -> str:
    match = _WHOLE_VAR.match(token)
    return (match.group(1) or match.group(2)) if match else ""


def _from_site(path: Path, ins: _Instruction, token: str, start: int, end: int,
               global_args: dict[str, tuple[str, int, int, int] | None], arg_sites: dict[str, Site]) -> Site | None:
    line = ins.lines[start]
    if "$" not in token:
        return Site(path, line, "dockerfile-from", token, ins.offsets[start], ins.offsets[end - 1] + 1)
    whole = _WHOLE_VAR.match(token)
    if whole:
        name = whole.group(1) or whole.group(2)
        default = global_args.get(name)
        if default is None:
            return Site(path, line, "dockerfile-from", token, skip=f"ARG {name} has no default value to pin",
                        blocking=False)
        if "$" in default[0]:
            return Site(path, line, "dockerfile-from", default[0], skip=f"the default of ARG {name} uses "
                        "another variable; write it literally to pin it", blocking=True)
        if name in arg_sites:
            return None  # the same ARG feeds several FROMs: one reference, pinned once
        site = Site(path, default[3], "dockerfile-arg", default[0], default[1], default[2])
        arg_sites[name] = site
        return site
    names = [m.group(1) or m.group(2) for m in _VAR.finditer(token)]
    expanded = _VAR.sub(lambda m: (global_args.get(m.group(1) or m.group(2)) or ("",))[0], token)
    return Site(path, line, "dockerfile-from", expanded, skip=f"built from ARG {', '.join(names)} and text; put "
                "the whole reference in one ARG (ARG BASE=repo:tag, FROM ${BASE}) or write it literally to pin it",
                blocking=True)


# ---------------------------------------------------------------------------------------------------- YAML
def _yaml(path: Path, text: str, kind: str) -> list[Site]:
    import yaml

    try:
        from .yamlio import SafeLoader

        documents = list(yaml.compose_all(text, Loader=SafeLoader))
    except yaml.YAMLError as err:
        raise InputError(f"{path}: not valid YAML ({str(err).splitlines()[0]})") from None
    sites: list[Site] = []
    site = partial(_scalar_site, path, text)
    for doc in documents:
        if not isinstance(doc, yaml.MappingNode):
            continue
        top = {k.value: v for k, v in doc.value if isinstance(k, yaml.ScalarNode)}
        if kind == RECORD:
            images = top.get("images")
            if isinstance(images, yaml.MappingNode):
                sites += [site(value, RECORD) for _k, value in images.value if isinstance(value, yaml.ScalarNode)]
        elif kind == KUSTOMIZATION or top.get("kind") is not None and getattr(top["kind"], "value", "") == "Kustomization":
            sites += _kustomize_sites(path, top.get("images"), text)
        elif kind == COMPOSE and isinstance(top.get("services"), yaml.MappingNode):
            for _name, service in top["services"].value:
                try:
                    fields = _merged(service)
                except yaml.YAMLError as err:  # `<<:` naming something that is not a mapping
                    raise InputError(f"{path}: not valid YAML ({getattr(err, 'problem', None) or err})") from None
                image = fields.get("image")
                if "build" not in fields and isinstance(image, yaml.ScalarNode):  # with build, `image` names
                    sites.append(site(image, COMPOSE))                             # the build's result
        elif kind == KUBERNETES and "kind" in top:
            sites += [site(v, KUBERNETES) for v in _image_values(doc)]
    once: dict[tuple[int | None, int | None], Site] = {}  # an aliased value is one site, however often used
    for found in sites:
        once.setdefault((found.start, found.end) if found.start is not None else (id(found), None), found)
    return list(once.values())


def _merged(node: object) -> dict[str, object]:
    """A mapping node's fields by name, with those it takes through `<<: *anchor` merge keys (its own win),
    merged by PyYAML's own flattening, as a load would."""
    import yaml

    if not isinstance(node, yaml.MappingNode):
        return {}
    yaml.constructor.SafeConstructor().flatten_mapping(node)  # merged pairs first, so a later own key wins
    return {k.value: v for k, v in node.value if isinstance(k, yaml.ScalarNode)}


def _image_values(node: object) -> Iterator[object]:
    import yaml

    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            name = getattr(key, "value", None)
            if name == "image" and isinstance(value, yaml.ScalarNode) and value.tag.endswith(":str"):
                yield value
            elif name not in _NOT_SPECS:
                yield from _image_values(value)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            yield from _image_values(item)


_STYLES = {None: "plain", "": "plain", "'": "single", '"': "double"}
_PROPERTIES = re.compile(r"(?:[&!]\S*\s+)*")  # a node's anchor and tag, before its value
_NOT_SPECS = {"metadata", "data", "stringData", "binaryData", "labels", "annotations", "status"}


def _scalar_site(path: Path, text: str, node: object, kind: str) -> Site:
    value, line = node.value, node.start_mark.line + 1  # type: ignore[attr-defined]
    style = _STYLES.get(node.style)  # type: ignore[attr-defined]
    start, end = node.start_mark.index, node.end_mark.index  # type: ignore[attr-defined]
    start += len(_PROPERTIES.match(text, start).group(0))  # `&anchor` and `!tag` stay as written
    if style is None:
        return Site(path, line, kind, value, skip="a block scalar; write the reference on one line to pin it",
                    blocking=True)
    default = _COMPOSE_DEFAULT.match(value) if kind == COMPOSE else None
    inner = start + (style != "plain")  # where the value's characters start (after an opening quote)
    if default and text[inner:inner + len(value)] == value:  # no escapes between the quotes
        begin = inner + value.index(default.group(2), len(default.group(1)) + 3)
        return Site(path, line, kind, default.group(2), begin, begin + len(default.group(2)), "raw")
    if "$" in value or "{{" in value:
        return Site(path, line, kind, value, skip="set by a variable or template; pin where it is defined")
    return Site(path, line, kind, value, start, end, style)


def _kustomize_sites(path: Path, images: object, text: str) -> list[Site]:
    import yaml

    if not isinstance(images, yaml.SequenceNode):
        return []
    sites = []
    for entry in images.value:
        if not isinstance(entry, yaml.MappingNode):
            continue
        fields = {k.value: (k, v) for k, v in entry.value if isinstance(k, yaml.ScalarNode)}
        name = (fields.get("newName") or fields.get("name") or (None, None))[1]
        tag = (fields.get("newTag") or (None, None))[1]
        if not isinstance(name, yaml.ScalarNode) or not isinstance(tag, yaml.ScalarNode):
            continue  # no tag here: the image is pinned (or not) where the resource names it
        line = tag.start_mark.line + 1
        reference = f"{name.value}:{tag.value}"
        digest = fields.get("digest")
        if digest is not None and isinstance(digest[1], yaml.ScalarNode):
            reference += f"@{digest[1].value}"
            sites.append(Site(path, line, KUSTOMIZATION, reference, digest[1].start_mark.index,
                              digest[1].end_mark.index, "kustomize"))
            continue
        if entry.flow_style:
            sites.append(Site(path, line, KUSTOMIZATION, reference, style="kustomize", insert_at=tag.end_mark.index))
        else:
            # a new line after the newTag line (and its comment), with the newTag key's indentation
            key = fields["newTag"][0]
            eol = text.find("\n", tag.end_mark.index)
            eol = len(text) if eol < 0 else eol - (1 if text[eol - 1] == "\r" else 0)
            newline = "\r\n" if text[eol:eol + 1] == "\r" else "\n"
            sites.append(Site(path, line, KUSTOMIZATION, reference, style="kustomize", insert_at=eol,
                              insert_indent=newline + " " * key.start_mark.column))
    return sites


# ------------------------------------------------------------------------------------------------- rewrite
def replacement(site: Site, digest: str) -> tuple[int, int, str]:
    """(start, end, new text) that pins `site` to `digest`, in the quoting style it was written in."""
    if site.style == "kustomize":
        if site.insert_at is None:
            return site.start, site.end, digest  # type: ignore[return-value]
        if site.insert_indent is None:
            return site.insert_at, site.insert_at, f", digest: {digest}"
        return site.insert_at, site.insert_at, f"{site.insert_indent}digest: {digest}"
    pinned = site.text.split("@", 1)[0] + "@" + digest
    if site.style == "single":
        text = "'" + pinned.replace("'", "''") + "'"
    elif site.style == "double":
        text = '"' + pinned + '"'
    else:
        text = pinned
    return site.start, site.end, text  # type: ignore[return-value]


def rewrite(text: str, edits: list[tuple[int, int, str]]) -> str:
    """Apply non-overlapping edits, from the end so earlier offsets stay valid."""
    out = text
    for start, end, new in sorted(edits, key=lambda e: (e[0], e[1]), reverse=True):
        out = out[:start] + new + out[end:]
    return out

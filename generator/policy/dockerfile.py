"""A Dockerfile as stages of instructions, parsed by BuildKit's own parser (the `dockerfile` package)."""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass, field
from functools import cached_property
from types import ModuleType

BUILDKIT_MODULE = "dockerfile"


def buildkit() -> ModuleType:
    """BuildKit's parser (the `dockerfile` package), imported on first use: it is Go, whose runtime starts
    threads when loaded and does not survive a fork, so an audit forks its workers before loading it when it can."""
    return importlib.import_module(BUILDKIT_MODULE)


_VAR = re.compile(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?\}?")


@dataclass(frozen=True)
class Instruction:
    cmd: str            # upper case: FROM, RUN, ...
    args: tuple[str, ...]
    flags: tuple[str, ...]
    json: bool
    original: str
    line: int           # 1-based first line
    end_line: int
    heredocs: tuple[str, ...] = ()  # the bodies of `<<EOF` here-documents, in order

    @cached_property
    def text(self) -> str:
        """The arguments as one string (shell form as written; exec form joined by spaces), and for RUN the
        bodies of its here-documents on the lines after: a `RUN <<EOF` script (or the input of `RUN sh <<EOF`)
        is commands as much as a one-line RUN is. Cached: most Dockerfile controls read every RUN's text."""
        text = " ".join(self.args)
        return "\n".join((text, *self.heredocs)) if self.cmd == "RUN" and self.heredocs else text


@dataclass
class Stage:
    index: int
    image: str          # as written, build arguments substituted where they have defaults
    name: str | None
    from_: Instruction
    body: list[Instruction] = field(default_factory=list)
    parent: "Stage | None" = None  # when FROM names an earlier stage

    @property
    def external(self) -> bool:
        """Whether the base is pulled from a registry (not `scratch`, not an earlier stage)."""
        return self.parent is None and self.image.lower() != "scratch"

    def last(self, cmd: str) -> Instruction | None:
        found = [i for i in self.body if i.cmd == cmd]
        return found[-1] if found else None


@dataclass
class DockerfileDoc:
    path: str
    text: str
    instructions: list[Instruction]
    stages: list[Stage]

    @property
    def final(self) -> Stage | None:
        return self.stages[-1] if self.stages else None

    def root(self, stage: Stage) -> Stage:
        """The stage whose external base `stage` ultimately builds on."""
        while stage.parent is not None:
            stage = stage.parent
        return stage


def substitute(text: str, args: dict[str, str]) -> str:
    """Expand `$X`, `${X}` and `${X:-default}` from build-argument defaults (unknown ones are kept)."""
    def repl(m: re.Match) -> str:
        if m.group(1) in args:
            return args[m.group(1)]
        return m.group(2) if m.group(2) is not None else m.group(0)
    return _VAR.sub(repl, text)


def parse(path: str, text: str) -> DockerfileDoc:
    """Parse `text`; raises ValueError (from BuildKit's parser) when it is not a Dockerfile."""
    try:
        commands = buildkit().parse_string(text)
    except buildkit().GoParseError as err:
        raise ValueError(str(err).strip() or "BuildKit cannot parse it") from None
    instructions = [Instruction(c.cmd.upper(), tuple(c.value), tuple(c.flags), c.json, c.original,
                                c.start_line, c.end_line, tuple(h.content for h in c.heredocs))
                    for c in commands]
    if not any(i.cmd == "FROM" for i in instructions):
        raise ValueError("no FROM instruction")
    global_args: dict[str, str] = {}
    stages: list[Stage] = []
    by_name: dict[str, Stage] = {}
    for ins in instructions:
        if ins.cmd == "FROM":
            image = substitute(ins.args[0], global_args) if ins.args else ""
            name = ins.args[2].lower() if len(ins.args) >= 3 and ins.args[1].upper() == "AS" else None
            stage = Stage(len(stages), image, name, ins, parent=by_name.get(image.lower()))
            stages.append(stage)
            if name:
                by_name[name] = stage
        elif not stages:
            if ins.cmd == "ARG":
                for arg in ins.args:
                    key, _, value = arg.partition("=")
                    global_args[key] = value.strip("\"'")
        else:
            stages[-1].body.append(ins)
    return DockerfileDoc(path, text, instructions, stages)

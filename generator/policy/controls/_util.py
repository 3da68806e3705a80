"""Small helpers the Dockerfile, compose and Kubernetes controls share."""

from __future__ import annotations

import re
from typing import Any, Iterator

from ... import refs
from ...errors import InputError
from ..dockerfile import DockerfileDoc, Instruction
from ..finding import Hit

ROOT_USERS = {"0", "root"}
_COMMAND_SPLIT = re.compile(r"&&|\|\||;|\n|\|")


def at(ins: Instruction, message: str) -> Hit:
    return Hit(message, ins.line, 1)


def runs(doc: DockerfileDoc) -> Iterator[Instruction]:
    return (i for i in doc.instructions if i.cmd == "RUN")


def commands(ins: Instruction) -> list[list[str]]:
    """The simple commands of a RUN, split on && || ; | and newlines, each as words."""
    out = []
    for part in _COMMAND_SPLIT.split(ins.text.replace("\\\n", " ")):
        words = part.split()
        if words:
            out.append(words)
    return out


def parse_ref(image: str) -> refs.ImageRef | None:
    try:
        return refs.parse(image)
    except InputError:
        return None


def unpinned_reason(image: str) -> str | None:
    """Why `image` is not pinned by digest, or None when it is."""
    if "$" in image:
        return f"image {image!r} is set by a variable without a pinned default"
    ref = parse_ref(image)
    if ref is None:
        return f"{image!r} is not a valid image reference"
    if ref.digest:
        return None
    if not ref.tag or ref.tag == "latest":
        return f"image {image!r} uses the moving 'latest' tag and no digest"
    return f"image {image!r} is pinned by tag only, not by digest"


def is_root(user: Any) -> bool:
    return str(user).split(":")[0].strip() in ROOT_USERS


def numeric_user(user: Any) -> bool:
    return bool(re.fullmatch(r"\d+(:\d+)?", str(user).strip()))

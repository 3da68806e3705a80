"""Pinned CI dependencies (data/actions.yml): GitHub Actions by commit SHA, GitLab tool images by tag.

Generated pipelines take every `uses:` and tool image from here, so a pin is a fact recorded once with its
source, and tests can check that nothing else slipped in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

ACTIONS_FILE = Path(__file__).resolve().parent.parent / "data" / "actions.yml"
SHA = re.compile(r"[0-9a-f]{40}")


@dataclass(frozen=True)
class Action:
    """One action pinned to the commit its release tag points at."""

    name: str
    version: str
    sha: str

    def uses(self, subpath: str = "") -> str:
        """`owner/repo[/sub]@<sha>`; the version comment is added when the YAML is written (`comment_pins`)."""
        return f"{self.name}{subpath}@{self.sha}"


@dataclass(frozen=True)
class ToolImage:
    """A GitLab job image: repository and tag (no verified digest exists for these in the data)."""

    image: str
    tag: str
    tag_verified: bool = True

    @property
    def ref(self) -> str:
        return f"{self.image}:{self.tag}"


@lru_cache(maxsize=None)
def _data() -> dict:
    from ..catalog import _load_yaml

    return _load_yaml(ACTIONS_FILE)


def action(name: str) -> Action:
    entry = _data()["actions"][name]
    sha = str(entry["sha"])
    if not SHA.fullmatch(sha):
        raise ValueError(f"{ACTIONS_FILE.name}: {name} has no 40-hex commit SHA")
    return Action(name, str(entry["version"]), sha)


def actions() -> dict[str, Action]:
    return {name: action(name) for name in _data()["actions"]}


def tool_image(name: str) -> ToolImage:
    entry = _data()["gitlab_images"][name]
    return ToolImage(str(entry["image"]), str(entry["tag"]), bool(entry.get("tag_verified", True)))


def comment_pins(text: str) -> str:
    """Append `# vX.Y.Z` to every `uses: owner/repo@<sha>` line, as Renovate and reviewers expect.

    YAML serialisers drop comments, so this runs on the dumped text; it only touches lines whose value is a
    pin from the data file (never user input).
    """
    by_sha = {a.sha: a.version for a in actions().values()}

    def add(match: re.Match) -> str:
        version = by_sha.get(match.group(2))
        return match.group(0) + (f" # {version}" if version else "")

    return re.sub(r"^(\s*-?\s*uses: [A-Za-z0-9_./-]+@)([0-9a-f]{40})$", add, text, flags=re.MULTILINE)

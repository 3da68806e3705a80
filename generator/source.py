"""Which cookiecutter template renders a service: the built-in one, a team's directory, or a git URL.

A git template is cloned into a temporary directory and checked out at the recorded commit when an update needs
the old render, so the merge base is exact. Hooks and Jinja extensions shipped in any template other than the
built-in one are code from elsewhere: dockseal runs them only with --trust and otherwise stops before rendering
(exit 2).
"""

from __future__ import annotations

import atexit
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from . import __version__
from .errors import InputError
from .template import builtin_template

BUILTIN = "builtin"
_GIT_URL = re.compile(r"(git\+)?(https://|ssh://|file://|git://)\S+|git@[A-Za-z0-9.-]+:\S+")
_COMMIT = re.compile(r"[0-9a-f]{40}")


class UntrustedTemplate(InputError):
    """A non-built-in template has hooks and --trust was not given: every command stops (exit 2)."""


@dataclass(frozen=True)
class TemplateSource:
    """`spec` as the user or the record names it; `path` the local directory holding cookiecutter.json."""

    spec: str
    path: Path
    version: str

    @property
    def builtin(self) -> bool:
        return self.spec == BUILTIN

    def record(self) -> dict[str, str]:
        return {"source": self.spec, "version": self.version}

    def hooks(self) -> list[str]:
        hooks = self.path / "hooks"
        return sorted(p.name for p in hooks.glob("*_gen_project*") if p.is_file()) if hooks.is_dir() else []

    def local_extensions(self) -> list[str]:
        """The Jinja `_extensions` whose module ships inside the template: cookiecutter imports them from its
        folder, so they are code from the template just as hooks are."""
        from .seal import extension_names

        return [n for n in extension_names(self.path)
                if (self.path / f"{n.split('.')[0]}.py").exists() or (self.path / n.split(".")[0]).is_dir()]

    def require_trust(self, trust: bool) -> None:
        """Stop (exit 2) before a non-built-in template's code (hooks, its own Jinja extensions) could run
        without --trust."""
        if self.builtin or trust:
            return
        code = [*self.hooks(), *self.local_extensions()]
        if code:
            raise UntrustedTemplate(f"--template {self.spec}: this template has code ({', '.join(code)}) that "
                                    "would run on this machine; read it, then pass --trust to run it")


def is_git_url(spec: str) -> bool:
    return bool(_GIT_URL.fullmatch(spec))


def resolve(spec: str | None, version: str | None = None) -> TemplateSource:
    """The template named by `spec` (None or 'builtin': dockseal's own), at `version` (a commit) when given."""
    if not spec or spec == BUILTIN:
        return TemplateSource(BUILTIN, builtin_template(), __version__)
    if is_git_url(spec):
        return _checkout(spec, version or "")
    path = Path(spec).expanduser()
    if not (path / "cookiecutter.json").is_file():
        raise InputError(f"--template {spec}: not a cookiecutter template (no cookiecutter.json there) "
                         "and not a git URL (https://, ssh://, file://, git@host:path)")
    head = _git(["rev-parse", "HEAD"], path) if (path / ".git").exists() else ""
    dirty = head and _git(["status", "--porcelain"], path)
    if version and _COMMIT.fullmatch(version) and version != head:
        return _checkout(str(path.resolve()), version, spec)
    return TemplateSource(str(path.resolve()), path.resolve(), "" if not head or dirty else head)


@lru_cache(maxsize=None)
def _checkout(url: str, version: str, spec: str | None = None) -> TemplateSource:
    """Clone `url` (once per process) and check out `version`, or the default branch when empty."""
    if version and not _COMMIT.fullmatch(version):
        raise InputError(f"template version {version[:60]!r}: expected a 40-hex git commit")
    workdir = Path(tempfile.mkdtemp(prefix="dockseal-template-"))
    atexit.register(shutil.rmtree, workdir, True)
    clone_url = url[4:] if url.startswith("git+") else url
    _git(["clone", "--quiet", "--no-checkout", "--", clone_url, str(workdir)], Path.cwd(), what=f"--template {url}")
    _git(["checkout", "--quiet", version or "HEAD"], workdir, what=f"--template {url} at {version or 'HEAD'}")
    head = _git(["rev-parse", "HEAD"], workdir)
    if not (workdir / "cookiecutter.json").is_file():
        raise InputError(f"--template {url}: the repository has no cookiecutter.json at its root")
    return TemplateSource(spec or url, workdir, head)


def _git(args: list[str], cwd: Path, what: str = "") -> str:
    if not shutil.which("git"):
        raise InputError(f"{what or 'template'}: git is needed for a git template and is not installed")
    proc = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, timeout=300,
                          env={**os.environ, "GIT_TERMINAL_PROMPT": "0"})
    if proc.returncode != 0:
        if not what:
            return ""
        reason = (proc.stderr.strip().splitlines() or ["git failed"])[-1]
        raise InputError(f"{what}: {reason[:300]}")
    return proc.stdout.strip()

"""The Jinja extension that plain cookiecutter and dockseal share (`_extensions` in cookiecutter.json).

It resolves the answers exactly as dockseal does and looks up the catalog, so both paths render the same
files, and it offers the escaping filters that free text must go through.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2.ext import Extension

from . import __version__, catalog, stacks, text
from .answers import Answers, resolve
from .catalog import BaseImage
from .questions import public_keys, questions
from .stacks.base import Runtime


@dataclass(frozen=True)
class RenderContext:
    """Everything a template needs: answers (`a`), base images, and the stack's runtime details."""

    a: Answers
    images: dict[str, BaseImage]
    runtime: Runtime
    version: str
    tools: dict[str, str]
    template: dict[str, str] | None = None  # {source, version}: which template (and which revision) rendered

    def record(self) -> dict[str, Any]:
        """What `.dockseal.yml` stores, so the service can be regenerated and checked later."""
        return {
            "record_version": RECORD_VERSION,
            "dockseal_version": self.version,
            "template": self.template or {"source": "builtin", "version": self.version},
            "answers": dict(self.a),
            "images": {role: image.pinned for role, image in self.images.items()},
            "pinned_on": {role: image.observed for role, image in self.images.items() if image.observed},
        }


_cache: dict[str, RenderContext] = {}
RECORD_VERSION = 2  # bump with a step in data/migrations.yml when the record's layout changes
TOOLS_FILE = Path(__file__).parent / "data" / "tools.yml"


def given_answers(cookiecutter: dict[str, Any]) -> Answers:
    """dockseal passes answers unrendered in `_answers`; plain cookiecutter has them as public keys."""
    private = cookiecutter.get("_answers")
    if private:
        return dict(private)
    return {key: cookiecutter[key] for key in public_keys() if key in cookiecutter}


def render_context(cookiecutter: dict[str, Any]) -> RenderContext:
    given = given_answers(cookiecutter)
    pins = dict(cookiecutter.get("_images") or {})
    pinned_on = dict(cookiecutter.get("_pinned_on") or {})
    source = template_source(cookiecutter)
    key = json.dumps([given, pins, pinned_on, source], sort_keys=True, default=str)
    if key not in _cache:
        answers = resolve(questions(), given)
        cat = catalog.load()
        images = cat.bases(answers["stack"], answers["stack_version"], answers["base_flavour"])
        images = {role: _apply_pin(image, pins.get(role), pinned_on.get(role)) for role, image in images.items()}
        runtime = stacks.get(answers["stack"]).runtime(answers, images["runtime"].shell)
        _cache[key] = RenderContext(answers, images, runtime, __version__, tool_versions(), source)
    return _cache[key]


def template_source(cookiecutter: dict[str, Any]) -> dict[str, str] | None:
    """dockseal passes `_dockseal_template` for a team template; a render of the built-in one needs nothing."""
    given = cookiecutter.get("_dockseal_template")
    if isinstance(given, dict) and given.get("source"):
        return {"source": str(given["source"]), "version": str(given.get("version") or "")}
    repo = cookiecutter.get("_repo_dir")
    if repo:
        from .template import builtin_template

        if Path(repo).resolve() != builtin_template().resolve():
            return {"source": str(cookiecutter.get("_template") or repo), "version": ""}
    return None


def _apply_pin(image: BaseImage, pinned: str | None, on: str | None = None) -> BaseImage:
    """A digest recorded by `dockseal pin` for the same repository:tag replaces the catalog's; it was seen
    current `on` that date (unknown for records older than `pinned_on`)."""
    from dataclasses import replace

    from . import refs

    if not pinned:
        return image
    ref = refs.parse(pinned)
    if ref.name != image.ref.name or ref.tag != image.ref.tag or not ref.digest:
        return image
    if ref.digest == image.ref.digest:
        return replace(image, observed=str(on or image.observed))
    return replace(image, ref=image.ref.with_digest(ref.digest), observed=str(on or ""))


def tool_versions() -> dict[str, str]:
    """Pinned versions of the build tools the Dockerfiles install (data/tools.yml)."""
    from .catalog import _load_yaml

    return {k: str(v) for k, v in _load_yaml(TOOLS_FILE).items()}


def to_yaml(data: Any) -> str:
    import yaml

    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, default_flow_style=False, width=1000)


class DocksealExtension(Extension):
    """Adds `dockseal(cookiecutter)` and the escaping filters to the template environment."""

    def __init__(self, environment: Any) -> None:
        super().__init__(environment)
        environment.globals["dockseal"] = render_context
        environment.filters["dq"] = text.dockerfile_quoted
        environment.filters["json_array"] = text.json_array
        environment.filters["sq"] = text.shell_quoted
        environment.filters["to_yaml"] = to_yaml

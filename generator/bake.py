"""`dockseal bake`: one docker-bake.hcl for every service below a directory, so `docker buildx bake` builds
them all in parallel on any BuildKit builder (local or remote). Names and paths come from validated records;
every string is still written through `hcl_string`, which escapes HCL's `${` and `%{` interpolation too."""

from __future__ import annotations

import json
import os
from pathlib import Path

from . import record as records
from .check import find_services


def hcl_string(value: str) -> str:
    """A quoted HCL string literal: JSON escapes plus literal `$${` and `%%{` (no template interpolation)."""
    return json.dumps(value, ensure_ascii=False).replace("${", "$${").replace("%{", "%%{")


def render_bake(root: Path, services: list[Path]) -> str:
    lines = ['# Written by dockseal bake: one target per service; `docker buildx bake` builds them in parallel.',
             'variable "TAG" {', '  default = "dev"', '}', '']
    names = []
    for service in services:
        rec = records.load(service)
        name = str(rec.answers["service_name"])
        if name in names:
            name = f"{name}-{len(names)}"
        names.append(name)
        context = Path(os.path.relpath(service, root)).as_posix()
        repository = str(rec.answers.get("image_repository") or f"localhost/{name}")
        lines += [f"target {hcl_string(name)} {{",
                  f"  context    = {hcl_string(context)}",
                  f"  dockerfile = {hcl_string('Dockerfile')}",
                  f"  tags       = [\"{hcl_string(repository)[1:-1]}:${{TAG}}\"]",
                  "}", ""]
    lines += ['group "default" {', f"  targets = [{', '.join(hcl_string(n) for n in names)}]", "}"]
    return "\n".join(lines) + "\n"


def write_bake(root: Path, output: Path) -> list[Path]:
    from . import writer
    from .errors import InputError

    services = find_services(root)
    if not services:
        raise InputError(f"{root}: no .dockseal.yml found below it; nothing to bake")
    text = render_bake(output.parent, services)
    writer.commit(output.parent, writer.plan(output.parent, {output.name: text.encode("utf-8")}))
    return services

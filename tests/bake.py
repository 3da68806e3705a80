"""Baking: render the template for a curated matrix of answers, the way cookiecutter-django tests do.

The matrix is derived from the catalog and the stack registry, so a new stack, version, flavour or package
manager is baked (and so linted, checked and audited) as soon as it exists.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from generator import catalog, stacks
from generator.render import render

FULL_OPTIONS: dict[str, Any] = {
    "private_index": True,
    "writable_paths": ["/var/cache/app", "/data"],
    "uid": 10001,
    "gid": 10001,
    "port": 9000,
    "vendor": "Acme Corp",
    "authors": "Platform Team <platform@example.org>",
    "licenses": "Apache-2.0",
    "source_url": "https://github.com/acme/orders",
    "documentation_url": "https://docs.example.org/orders",
    "app_version": "2.3.4",
}


def combinations() -> list[tuple[str, dict[str, Any]]]:
    """(readable id, answers): every stack x version x flavour x package manager, each in a minimal and a
    full variant, so every value and every interacting pair of the Dockerfile's options is covered."""
    cat = catalog.load()
    out = []
    for stack_name, module in stacks.STACKS.items():
        for version in cat.versions(stack_name):
            for flavour in cat.flavours(stack_name, version):
                for manager in module.PACKAGE_MANAGERS:
                    base = {"service_name": f"svc-{stack_name}", "stack": stack_name, "stack_version": version,
                            "base_flavour": flavour, "package_manager": manager}
                    out.append((f"{stack_name}-{version}-{flavour}-{manager}-minimal", base))
                    out.append((f"{stack_name}-{version}-{flavour}-{manager}-full", {**base, **FULL_OPTIONS}))
        for framework in stacks.frameworks(stack_name)[1:]:
            # Each framework once more, on the stack's defaults, with its own writable paths and commands.
            out.append((f"{stack_name}-{framework}", {"service_name": f"svc-{stack_name}", "stack": stack_name,
                                                      "framework": framework}))
    return out


def bake(answers: dict[str, Any], dest: Path) -> Path:
    """Render `answers` with dockseal's resolution and write the files under `dest`."""
    from generator.answers import resolve
    from generator.questions import questions

    files = render(resolve(questions(), answers))
    for rel, content in files.items():
        path = dest / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    return dest

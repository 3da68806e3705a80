"""Node.js services: npm, Yarn (classic) or pnpm; distroless or slim runtime."""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

from .base import Detection, Runtime, first_version, read_json, read_text

NAME = "node"
PACKAGE_MANAGERS = ("npm", "yarn", "pnpm")
DEFAULT_PORT = 3000
LOCKFILES = {"package-lock.json": "npm", "npm-shrinkwrap.json": "npm", "yarn.lock": "yarn", "pnpm-lock.yaml": "pnpm"}
DISTROLESS_NODE = "/nodejs/bin/node"
FRAMEWORKS = ("none", "express", "nextjs")


def detect(root: Path) -> Detection | None:
    if not (root / "package.json").is_file():
        return None
    pkg = read_json(root / "package.json")
    answers: dict[str, Any] = {}
    version = first_version(read_text(root / ".nvmrc", 200)) or first_version(read_text(root / ".node-version", 200))
    engines = pkg.get("engines")
    if not version and isinstance(engines, dict):
        version = first_version(str(engines.get("node", "")), r"(\d+)")
    if version:
        answers["stack_version"] = version.split(".")[0]
    for lockfile, manager in LOCKFILES.items():
        if (root / lockfile).is_file():
            answers["package_manager"] = manager
            break
    pm_field = pkg.get("packageManager")
    if isinstance(pm_field, str) and pm_field.split("@")[0] in PACKAGE_MANAGERS:
        answers["package_manager"] = pm_field.split("@")[0]
    for key, field in (("service_name", "name"), ("description", "description"), ("app_version", "version")):
        if isinstance(pkg.get(field), str) and pkg[field]:
            answers[key] = pkg[field].split("/")[-1] if key == "service_name" else pkg[field]
    command = _detect_command(pkg)
    if command:
        answers["command"] = command
    answers.update(_detect_framework(root, pkg))
    return Detection(NAME, ["package.json"], answers)


def _detect_framework(root: Path, pkg: dict[str, Any]) -> dict[str, Any]:
    """Next.js with `output: "standalone"` (its traced server.js), or Express."""
    deps = {**(pkg.get("dependencies") or {}), **(pkg.get("devDependencies") or {})} \
        if isinstance(pkg.get("dependencies") or {}, dict) and isinstance(pkg.get("devDependencies") or {}, dict) \
        else {}
    if "next" in deps:
        config = "".join(read_text(p) for p in sorted(root.glob("next.config.*")))
        if re.search(r"output\s*:\s*['\"]standalone['\"]", config):
            return {"framework": "nextjs", "command": ["node", "server.js"]}
    if "express" in deps:
        return {"framework": "express"}
    return {}


def _detect_command(pkg: dict[str, Any]) -> list[str] | None:
    """`scripts.start` when it is a plain `node FILE ...`, else `main`."""
    start = pkg.get("scripts", {}).get("start") if isinstance(pkg.get("scripts"), dict) else None
    if isinstance(start, str):
        try:
            argv = shlex.split(start)
        except ValueError:
            argv = []
        if argv and argv[0] == "node" and not any(c in start for c in "&|;$`<>"):
            return argv
    main = pkg.get("main")
    if isinstance(main, str) and main:
        return ["node", main]
    return None


def default_command(answers: dict[str, Any]) -> list[str]:
    return ["node", "server.js"]


def writable_paths(answers: dict[str, Any]) -> list[str]:
    """The Next.js server writes its image and data cache under .next/cache."""
    return ["/app/.next/cache"] if answers.get("framework") == "nextjs" else []


def runtime(answers: dict[str, Any], runtime_image_has_shell: bool) -> Runtime:
    """Distroless keeps node at /nodejs/bin/node, outside PATH, so the command names it in full."""
    node = "node" if runtime_image_has_shell else DISTROLESS_NODE
    command = list(answers["command"])
    if command and command[0] == "node":
        command[0] = node
    url = f"http://127.0.0.1:{answers['port']}{answers['health_path']}"
    probe = (f"require('http').get('{url}', r => process.exit(r.statusCode < 400 ? 0 : 1))"
             ".on('error', () => process.exit(1))")
    env = {"NODE_ENV": "production"}
    if answers.get("framework") == "nextjs":
        env.update({"HOSTNAME": "0.0.0.0", "PORT": str(answers["port"]), "NEXT_TELEMETRY_DISABLED": "1"})
    return Runtime(entrypoint=command, healthcheck=[node, "-e", probe], env=env)

"""Go services: a static binary (CGO off) on distroless static or Chainguard static."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from .base import Detection, Runtime, read_text

NAME = "go"
PACKAGE_MANAGERS = ("mod",)
DEFAULT_PORT = 8080
MAIN_PACKAGE = "."
PROBE = "/app/healthprobe"


def detect(root: Path) -> Detection | None:
    gomod = root / "go.mod"
    if not gomod.is_file():
        return None
    text = read_text(gomod)
    answers: dict[str, Any] = {"package_manager": "mod"}
    directive = re.search(r"^go\s+(\d+\.\d+)", text, re.M)
    if directive:
        answers["stack_version"] = directive.group(1)
    module = re.search(r"^module\s+(\S+)", text, re.M)
    if module:
        answers["service_name"] = module.group(1).rstrip("/").split("/")[-1]
    main = _detect_main(root)
    if main:
        answers["main_package"] = main
    return Detection(NAME, ["go.mod"], answers)


def _detect_main(root: Path) -> str | None:
    """`.` when the module root is a main package, else the only `cmd/<name>` directory."""
    if (root / "main.go").is_file():
        return "."
    commands = sorted(p.parent.name for p in root.glob("cmd/*/main.go"))
    return f"./cmd/{commands[0]}" if len(commands) == 1 else None


def default_command(answers: dict[str, Any]) -> list[str]:
    return [f"/app/{answers['service_name']}"]


def runtime(answers: dict[str, Any], runtime_image_has_shell: bool) -> Runtime:
    """No interpreter in a static image: a tiny probe binary, built beside the service, does the health check."""
    url = f"http://127.0.0.1:{answers['port']}{answers['health_path']}"
    return Runtime(entrypoint=list(answers["command"]), healthcheck=[PROBE, url], env={})

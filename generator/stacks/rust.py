"""Rust services: cargo with cache mounts, a dependency-only build step, on distroless cc (glibc) or
distroless static (musl)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from .base import Detection, Runtime, health_url, read_text, read_toml

NAME = "rust"
PACKAGE_MANAGERS = ("cargo",)
DEFAULT_PORT = 8080
PROBE = "/app/healthprobe"


def detect(root: Path) -> Detection | None:
    if not (root / "Cargo.toml").is_file():
        return None
    manifest = read_toml(root / "Cargo.toml")
    package = manifest.get("package") if isinstance(manifest.get("package"), dict) else {}
    answers: dict[str, Any] = {"package_manager": "cargo"}
    version = _toolchain_version(root) or str(package.get("rust-version") or "")
    if re.match(r"1(\.|$)", version) or version == "stable":
        answers["stack_version"] = "1"
    name = package.get("name")
    bins = manifest.get("bin") if isinstance(manifest.get("bin"), list) else []
    binary = next((b.get("name") for b in bins if isinstance(b, dict) and b.get("name")), None) or name
    if isinstance(name, str) and name:
        answers["service_name"] = name
    if isinstance(binary, str) and re.fullmatch(r"[A-Za-z0-9_-]+", binary):
        answers["command"] = [f"/app/{binary}"]
    if isinstance(package.get("version"), str):
        answers["app_version"] = package["version"]
    return Detection(NAME, ["Cargo.toml"], answers)


def _toolchain_version(root: Path) -> str:
    """The `channel` of rust-toolchain.toml, or the one line of a legacy `rust-toolchain` file."""
    toml = read_toml(root / "rust-toolchain.toml").get("toolchain")
    if isinstance(toml, dict) and isinstance(toml.get("channel"), str):
        return toml["channel"]
    return read_text(root / "rust-toolchain", 100).strip()


def default_command(answers: dict[str, Any]) -> list[str]:
    return [f"/app/{answers['service_name']}"]


def runtime(answers: dict[str, Any], runtime_image_has_shell: bool) -> Runtime:
    """No interpreter in distroless cc/static: a std-only probe, built with rustc beside the service."""
    return Runtime(entrypoint=list(answers["command"]), healthcheck=[PROBE, health_url(answers)], env={})

"""Session fixtures for the end-to-end tests: a private engine configuration, a loopback registry that mirrors
docker.io, gcr.io and cgr.dev, and the stand-in base images pushed to it (built once, cached across runs)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Callable, Iterator

import pytest

from conftest import need

from . import standins
from .engine import Engine, Registry

TOOLS = ("buildah", "podman", "skopeo", "runc", "fuse-overlayfs", "mmdebstrap", "docker-registry", "nsenter", "npm")


@pytest.fixture(scope="session")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    for tool in TOOLS:
        need(tool)
    if os.geteuid() != 0:
        message = "the end-to-end tests run as root (mmdebstrap, rootful podman, nsenter)"
        pytest.fail(message) if os.environ.get("CI") else pytest.skip(message)
    root = tmp_path_factory.mktemp("engine")
    registry = Registry(root / "registry").start()
    eng = Engine(root, registry).configure()
    try:
        yield eng
    finally:
        eng.run("podman", "rm", "--all", "--force", "--time", "0", check=False)
        eng.run("podman", "system", "reset", "--force", check=False)
        registry.stop()


@pytest.fixture(scope="session")
def standin_cache() -> Path:
    return standins.cache_dir()


@pytest.fixture(scope="session")
def standin_digests(engine: Engine, standin_cache: Path) -> Callable[[str], dict[str, str]]:
    """stack -> {catalog repository:tag: digest of its stand-in in the test registry}, pushed on first use."""
    pushed: dict[str, dict[str, str]] = {}

    def get(stack: str) -> dict[str, str]:
        return standins.push(stack, standin_cache, engine, pushed)

    return get

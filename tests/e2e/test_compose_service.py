"""The generated compose.yaml runs the sample service built from the generated Dockerfile: podman-compose
starts it locked down, it answers HTTP, and compose's health check (the image's own probe) passes."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import composerun
import pytest
import yaml

from . import service
from .engine import Engine

# Same xdist group as test_stacks' python build, so the image comes from the layer cache on that worker.
pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e-python")]


def test_compose_runs_the_built_sample(engine: Engine, standin_digests: Callable[[str], dict[str, str]],
                                       tmp_path: Path) -> None:
    source = service.new_example("python", tmp_path / "python-sample", "service_name=e2e-python")
    service.use_standin_digests(source / "Dockerfile", standin_digests("python"))
    image = "localhost/e2e-python:test"
    service.build(engine, source, image)
    a = yaml.safe_load((source / ".dockseal.yml").read_text())["answers"]
    env = {**engine.env, "E2E_PYTHON_IMAGE": image}
    name = composerun.up(source, "e2e-python", env)
    try:
        container = service.Container(engine, name)
        status, body = container.wait_http(a["port"], a["health_path"])
        assert status == 200, body
        composerun.assert_locked_down(name, env, uid=a["uid"], gid=a["gid"], memory_mib=256, cpus=0.5,
                                      pids=a["pids_limit"], writable=a["writable_paths"])
        health = composerun.healthcheck(name, env)
        assert health.returncode == 0, health.stdout + health.stderr
    finally:
        composerun.down(source, env)

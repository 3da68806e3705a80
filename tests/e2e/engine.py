"""A private podman/buildah/skopeo configuration in a temporary directory, and a local registry on loopback.

Everything the engines keep (images, containers, build cache, registry blobs) lives under one directory, so the
tests neither read nor change the machine's containers, and the settings that work without a Docker daemon on
Debian hosts are applied: runc, explicit ulimits, no network namespace set-up (`netns = "none"`).
The registry also serves as the mirror of docker.io, gcr.io and cgr.dev, under those names as namespaces, so
the generated Dockerfiles build unchanged against stand-in base images.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

MIRRORED = ("docker.io", "gcr.io", "cgr.dev")


def toml_str(value: str) -> str:
    """A TOML basic string (JSON's escaping is valid TOML)."""
    return json.dumps(value)


@dataclass
class Registry:
    """Debian's docker-registry (CNCF distribution) on a free loopback port, storing under `root`."""

    root: Path
    port: int = 0
    process: subprocess.Popen | None = None

    @property
    def host(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self) -> "Registry":
        self.root.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        config = self.root / "config.yml"
        config.write_text(json.dumps({  # JSON is YAML
            "version": 0.1, "log": {"level": "warn"},
            "storage": {"filesystem": {"rootdirectory": str(self.root / "data")}, "delete": {"enabled": True}},
            "http": {"addr": self.host},
        }))
        log = open(self.root / "registry.log", "wb")  # noqa: SIM115 - lives as long as the process
        self.process = subprocess.Popen(["docker-registry", "serve", str(config)], stdout=log, stderr=log)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://{self.host}/v2/", timeout=1) as resp:
                    if resp.status == 200:
                        return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"docker-registry did not answer on {self.host}: {(self.root / 'registry.log').read_text()}")

    def stop(self) -> None:
        if self.process:
            self.process.terminate()
            self.process.wait(timeout=10)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Engine:
    """Environment and config files that point podman, buildah and skopeo at `root` and the registry."""

    root: Path
    registry: Registry
    env: dict[str, str] = field(default_factory=dict)

    def configure(self) -> "Engine":
        root = self.root
        for sub in ("storage", "run", "tmp", "volumes", "registries.d"):
            (root / sub).mkdir(parents=True, exist_ok=True)
        (root / "containers.conf").write_text(
            "[containers]\n"
            'default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]\n'
            'netns = "none"\n'
            "[engine]\n"
            'runtime = "runc"\n'
            'events_logger = "file"\n'
            'cgroup_manager = "cgroupfs"\n'
            f"tmp_dir = {toml_str(str(root / 'tmp'))}\n"
            f"volume_path = {toml_str(str(root / 'volumes'))}\n")
        (root / "storage.conf").write_text(
            "[storage]\n"
            'driver = "overlay"\n'
            f"runroot = {toml_str(str(root / 'run'))}\n"
            f"graphroot = {toml_str(str(root / 'storage'))}\n")
        lines = ["unqualified-search-registries = []", "",
                 "[[registry]]", f"location = {toml_str(self.registry.host)}", "insecure = true", ""]
        for name in MIRRORED:
            lines += ["[[registry]]", f"prefix = {toml_str(name)}", f"location = {toml_str(name)}", "",
                      "[[registry.mirror]]", f"location = {toml_str(f'{self.registry.host}/{name}')}",
                      "insecure = true", ""]
        (root / "registries.conf").write_text("\n".join(lines))
        (root / "policy.json").write_text(json.dumps({"default": [{"type": "insecureAcceptAnything"}]}))
        self.env = {
            **os.environ,
            "CONTAINERS_CONF": str(root / "containers.conf"),
            "CONTAINERS_STORAGE_CONF": str(root / "storage.conf"),
            "CONTAINERS_REGISTRIES_CONF": str(root / "registries.conf"),
            "REGISTRY_AUTH_FILE": str(root / "auth.json"),
            "TMPDIR": str(root / "tmp"),
        }
        (root / "auth.json").write_text("{}")
        return self

    def run(self, *argv: str, check: bool = True, timeout: float = 600) -> subprocess.CompletedProcess[str]:
        """Run an engine command in this configuration; on failure the error shows its output."""
        proc = subprocess.run(list(argv), env=self.env, capture_output=True, text=True, timeout=timeout)
        if check and proc.returncode != 0:
            raise AssertionError(f"{' '.join(argv)} exited {proc.returncode}\n{proc.stdout[-4000:]}\n"
                                 f"{proc.stderr[-4000:]}")
        return proc

    @property
    def policy(self) -> Path:
        return self.root / "policy.json"

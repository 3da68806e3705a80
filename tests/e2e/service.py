"""Generate a sample service with `dockseal new`, build it with buildah and run it hardened with podman.

The checks look at the running container from the host (/proc/PID/status, the container's mount and network
namespaces), so they work the same for images with and without a shell.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .engine import Engine

HOST_CA_BUNDLE = Path("/etc/ssl/certs/ca-certificates.crt")
NSPROBE = Path(__file__).with_name("nsprobe.py")
PINNED_FROM = re.compile(r"^FROM (\S+?):(\S+?)@(sha256:[0-9a-f]{64})", re.M)
WRITABLE = "/var/lib/sample"


def dockseal(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """The real command line, in this interpreter (so the checkout under test is what runs)."""
    proc = subprocess.run([sys.executable, "-m", "generator.cli", *args], capture_output=True, text=True, cwd=cwd)
    assert proc.returncode == 0, f"dockseal {' '.join(args)}: {proc.returncode}\n{proc.stdout}\n{proc.stderr}"
    return proc


def new_example(stack: str, target: Path, *sets: str) -> Path:
    """`dockseal new --example STACK` into `target`, with a declared writable path."""
    args = ["new", str(target), "--example", stack, "--no-input", "--set", f"writable_paths={WRITABLE}"]
    for value in sets:
        args += ["--set", value]
    dockseal(*args)
    return target


# A source file of each sample, and a comment in its language: appending one is a source-only change.
SAMPLE_SOURCE = {"python": ("app.py", "# {}"), "node": ("server.js", "// {}"), "go": ("main.go", "// {}"),
                 "static": ("public/index.html", "<!-- {} -->"), "rust": ("src/main.rs", "// {}"),
                 "php": ("index.php", "// {}"), "ruby": ("app.rb", "# {}"),
                 "java": ("src/main/java/example/App.java", "// {}")}


def change_source(stack: str, source: Path) -> None:
    """Append a comment to the sample's source: what a rebuild must not re-install dependencies for."""
    name, comment = SAMPLE_SOURCE[stack]
    path = source / name
    path.write_text(path.read_text() + comment.format("a source-only change") + "\n")


def pin_to_mirror(source: Path, engine: Engine) -> str:
    """`dockseal pin` the service against the test registry as the mirror of every mirrored registry: the
    FROM lines, the base-digest label and .dockseal.yml get the digests of the stand-ins pushed there."""
    from .engine import MIRRORED

    mirrors = [arg for name in MIRRORED for arg in ("--mirror", f"{name}={engine.registry.host}/{name}")]
    return dockseal("pin", *mirrors, str(source)).stdout


def use_standin_digests(dockerfile: Path, digests: dict[str, str]) -> dict[str, str]:
    """Replace each catalog digest in the Dockerfile by the digest of the stand-in pushed under the same
    repository:tag (the stand-ins are different images, so the catalog's digests cannot resolve to them).
    `digests` maps `repository:tag` to the stand-in's digest; returns {old digest: new digest}."""
    text = dockerfile.read_text()
    replaced = {}
    for name, tag, digest in PINNED_FROM.findall(text):
        replaced[digest] = digests[f"{name}:{tag}"]
    for old, new in replaced.items():
        text = text.replace(old, new)
    dockerfile.write_text(text)
    return replaced


@dataclass
class Build:
    image: str
    output: str
    seconds: float


def build(engine: Engine, context: Path, image: str) -> Build:
    """`buildah bud --format docker` with layer caching and the host's CA bundle as the `ca_bundle` secret."""
    start = time.monotonic()
    proc = engine.run("buildah", "bud", "--format", "docker", "--layers",
                      "--secret", f"id=ca_bundle,src={HOST_CA_BUNDLE}",
                      "--build-arg", "VERSION=1.2.3", "--build-arg", "REVISION=e2e",
                      "--build-arg", "CREATED=2026-01-01T00:00:00Z",
                      "-t", image, str(context), timeout=900)
    return Build(image, proc.stdout + proc.stderr, time.monotonic() - start)


def image_config(engine: Engine, image: str) -> dict[str, Any]:
    raw = engine.run("skopeo", "inspect", "--config", "--raw", f"containers-storage:{image}").stdout
    return json.loads(raw)["config"]


def layer_ids(engine: Engine, image: str) -> list[str]:
    raw = engine.run("skopeo", "inspect", "--config", "--raw", f"containers-storage:{image}").stdout
    return json.loads(raw)["rootfs"]["diff_ids"]


@dataclass
class Container:
    engine: Engine
    name: str

    @property
    def pid(self) -> int:
        return int(self.engine.run("podman", "inspect", "-f", "{{.State.Pid}}", self.name).stdout)

    def status(self) -> dict[str, str]:
        """/proc/PID/status of the service process, as seen from the host."""
        lines = Path(f"/proc/{self.pid}/status").read_text().splitlines()
        return {k: v.strip() for k, _, v in (line.partition(":") for line in lines)}

    def root_mount_options(self) -> list[str]:
        for line in Path(f"/proc/{self.pid}/mountinfo").read_text().splitlines():
            fields = line.split()
            if fields[4] == "/":
                return fields[5].split(",")
        raise AssertionError("no root mount")

    def try_writes(self, uid: int, gid: int, paths: list[str]) -> dict[str, str]:
        proc = subprocess.run([sys.executable, str(NSPROBE), str(self.pid), str(uid), str(gid), *paths],
                              capture_output=True, text=True, check=True)
        return json.loads(proc.stdout)

    def http_get(self, port: int, path: str) -> tuple[int, bytes]:
        """GET inside the container's network namespace (it has no network reachable from the host)."""
        code = (f"import urllib.request as r, sys; resp = r.urlopen('http://127.0.0.1:{port}{path}', timeout=5); "
                "sys.stdout.write(str(resp.status) + chr(10)); sys.stdout.flush(); "
                "sys.stdout.buffer.write(resp.read())")
        proc = subprocess.run(["nsenter", f"--net=/proc/{self.pid}/ns/net", sys.executable, "-c", code],
                              capture_output=True, check=False)
        if proc.returncode != 0:
            return 0, proc.stderr
        status, _, body = proc.stdout.partition(b"\n")
        return int(status), body

    def wait_http(self, port: int, path: str, deadline_s: float = 60) -> tuple[int, bytes]:
        deadline = time.monotonic() + deadline_s
        while True:
            status, body = self.http_get(port, path)
            if status or time.monotonic() > deadline:
                return status, body
            self.assert_running()
            time.sleep(0.3)

    def assert_running(self) -> None:
        state = self.engine.run("podman", "inspect", "-f", "{{.State.Status}}", self.name).stdout.strip()
        if state != "running":
            logs = self.engine.run("podman", "logs", self.name, check=False)
            raise AssertionError(f"container {self.name} is {state}:\n{logs.stdout}\n{logs.stderr}")

    def healthcheck(self) -> subprocess.CompletedProcess[str]:
        return self.engine.run("podman", "healthcheck", "run", self.name, check=False)

    def remove(self) -> None:
        self.engine.run("podman", "rm", "-f", "-t", "0", self.name, check=False)


def run_hardened(engine: Engine, image: str, name: str, uid: int, gid: int,
                 volumes: dict[str, str] | None = None) -> Container:
    """Detached, with a read-only root, no capabilities, no privilege escalation, no network, as uid:gid."""
    args = ["podman", "run", "-d", "--name", name, "--read-only", "--cap-drop=ALL",
            "--security-opt", "no-new-privileges", "--user", f"{uid}:{gid}", "--network=none",
            "--health-interval=disable"]
    for volume, path in (volumes or {}).items():
        args += ["--volume", f"{volume}:{path}"]
    engine.run(*args, image)
    return Container(engine, name)


def cached_steps(output: str) -> list[str]:
    """The build steps buildah took from its layer cache (the `STEP` line followed by `--> Using cache`)."""
    lines = output.splitlines()
    return [line for line, following in zip(lines, lines[1:])
            if " STEP " in f" {line}" and following.startswith("--> Using cache")]


def step_count(output: str) -> int:
    return sum(1 for line in output.splitlines() if " STEP " in f" {line}")


def image_size(engine: Engine, image: str) -> int:
    """Bytes of the image as stored (podman's Size: the sum of its uncompressed layers)."""
    return int(engine.run("podman", "image", "inspect", "--format", "{{.Size}}", image).stdout.strip())

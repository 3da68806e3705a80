"""Start the generated compose.yaml with podman-compose and inspect the running container from the host.

The image is a tiny stand-in (static busybox serving the health path, and a /app/healthprobe that asks it), so
the run takes seconds; the service's real image is built in the Dockerfile tests. podman keeps all its state in
a temporary directory (runc, explicit ulimits, no network namespace set-up, as on hosts without a Docker daemon).
The only change to the generated file is a compose override that detaches the service from its bridge network
and published port (they would edit the host's firewall); both are checked statically in test_run_config.py.
"""

from __future__ import annotations

import io
import os
import subprocess
import tarfile
from pathlib import Path

import pytest
from conftest import need
from runbake import bake

pytestmark = pytest.mark.e2e

PORT = 8080
OVERRIDE = """\
services:
  svc:
    network_mode: none
    networks: !reset []
    ports: !reset []
networks: !reset {}
"""


def script(body: str) -> bytes:
    return f"#!/bin/busybox sh\n{body}\n".encode()


def standin_tar(path: Path) -> Path:
    """/bin/busybox, /app/svc (httpd on PORT serving /www) and /app/healthprobe URL (exit 0 on HTTP 2xx)."""
    busybox = Path(need("busybox")).resolve()
    if b"ld-linux" in busybox.read_bytes()[:8192]:  # a dynamic build has an ELF interpreter near the start
        message = "busybox is not statically linked (bash tests/run.sh installs busybox-static)"
        pytest.fail(message) if os.environ.get("CI") else pytest.skip(message)
    entries = {
        "bin/busybox": (busybox.read_bytes(), 0o755),
        "app/svc": (script(f"exec /bin/busybox httpd -f -p {PORT} -h /www"), 0o755),
        "app/healthprobe": (script('exec /bin/busybox wget -q -O /dev/null "$1"'), 0o755),
        "www/healthz": (b"ok\n", 0o644),
    }
    with tarfile.open(path, "w") as tar:
        for directory in ("bin", "app", "www", "tmp"):
            info = tarfile.TarInfo(directory)
            info.type, info.mode = tarfile.DIRTYPE, 0o1777 if directory == "tmp" else 0o755
            tar.addfile(info)
        for name, (data, mode) in entries.items():
            info = tarfile.TarInfo(name)
            info.size, info.mode = len(data), mode
            tar.addfile(info, io.BytesIO(data))
    return path


@pytest.fixture
def engine(tmp_path: Path) -> dict[str, str]:
    """Environment for podman with its configuration and storage under tmp_path."""
    root = tmp_path / "engine"
    for sub in ("storage", "run", "tmp"):
        (root / sub).mkdir(parents=True)
    (root / "containers.conf").write_text(
        '[containers]\ndefault_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]\nnetns = "none"\n'
        '[engine]\nruntime = "runc"\nevents_logger = "file"\ncgroup_manager = "cgroupfs"\n')
    (root / "storage.conf").write_text(
        f'[storage]\ndriver = "overlay"\nrunroot = "{root / "run"}"\ngraphroot = "{root / "storage"}"\n')
    env = {**os.environ, "CONTAINERS_CONF": str(root / "containers.conf"),
           "CONTAINERS_STORAGE_CONF": str(root / "storage.conf"), "TMPDIR": str(root / "tmp")}
    yield env
    subprocess.run([need("podman"), "rm", "-af", "-t", "0"], env=env, capture_output=True, timeout=120)
    subprocess.run([need("podman"), "system", "prune", "-af"], env=env, capture_output=True, timeout=120)


def podman(env: dict[str, str], *args: str) -> str:
    proc = subprocess.run([need("podman"), *args], env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, f"podman {' '.join(args)}: {proc.stderr[-2000:]}"
    return proc.stdout


def cgroup_value(pid: int, controller: str, v1_file: str, v2_file: str) -> str:
    """A limit file of the container's cgroup, for cgroup v1 (per controller) or v2 (unified)."""
    for line in Path(f"/proc/{pid}/cgroup").read_text().splitlines():
        _, controllers, path = line.split(":", 2)
        if controller in controllers.split(","):
            return (Path("/sys/fs/cgroup") / controller / path.lstrip("/") / v1_file).read_text().strip()
    unified = next(line.split(":", 2)[2] for line in Path(f"/proc/{pid}/cgroup").read_text().splitlines()
                   if line.startswith("0::"))
    return (Path("/sys/fs/cgroup") / unified.lstrip("/") / v2_file).read_text().strip()


def test_compose_file_runs_locked_down(tmp_path: Path, engine: dict[str, str]):
    if os.geteuid() != 0:
        pytest.skip("inspecting /proc of the container process needs root")
    compose = need("podman-compose")
    project = tmp_path / "svc"
    bake({"stack": "go", "port": PORT, "writable_paths": ["/var/cache/app"], "cpu_limit": "500m",
          "memory_limit": "256Mi", "pids_limit": 128, "uid": 10001, "gid": 10002}, project)
    image = "localhost/svc-standin:1"
    podman(engine, "import", "--change", 'ENTRYPOINT ["/app/svc"]', str(standin_tar(tmp_path / "standin.tar")), image)
    (project / "compose.override-test.yaml").write_text(OVERRIDE)
    env = {**engine, "SVC_IMAGE": image}
    up = subprocess.run([compose, "--in-pod", "false", "-f", "compose.yaml", "-f", "compose.override-test.yaml",
                         "up", "-d", "--no-build"], cwd=project, env=env, capture_output=True, text=True, timeout=300)
    assert up.returncode == 0, up.stdout[-2000:] + up.stderr[-2000:]
    try:
        name = podman(engine, "ps", "--format", "{{.Names}}").split()[0]
        pid = int(podman(engine, "inspect", "-f", "{{.State.Pid}}", name))
        status = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines())
        status = {k: v.strip() for k, v in status.items()}

        assert status["Uid"].split() == ["10001"] * 4 and status["Gid"].split() == ["10002"] * 4
        for caps in ("CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb"):
            assert int(status[caps], 16) == 0, caps
        assert status["NoNewPrivs"] == "1" and status["Seccomp"] == "2"

        mounts = {f[4]: f[5].split(",") for f in (line.split() for line in
                                                 Path(f"/proc/{pid}/mountinfo").read_text().splitlines())}
        assert "ro" in mounts["/"]
        assert "rw" in mounts["/tmp"] and "noexec" in mounts["/tmp"] and "/var/cache/app" in mounts
        touch_root = subprocess.run([need("podman"), "exec", name, "/bin/busybox", "touch", "/written"], env=engine,
                                    capture_output=True, text=True)
        assert touch_root.returncode != 0 and "Read-only" in touch_root.stderr
        podman(engine, "exec", name, "/bin/busybox", "touch", "/tmp/written", "/var/cache/app/written")

        assert int(cgroup_value(pid, "memory", "memory.limit_in_bytes", "memory.max")) == 256 * 1024 * 1024
        assert cgroup_value(pid, "pids", "pids.max", "pids.max") == "128"
        quota = int(cgroup_value(pid, "cpu", "cpu.cfs_quota_us", "cpu.max").split()[0])
        period = int(cgroup_value(pid, "cpu", "cpu.cfs_period_us", "cpu.max").split()[-1])
        assert quota / period == 0.5

        inspect = podman(engine, "inspect", "-f",
                         "{{.HostConfig.RestartPolicy.Name}} {{.HostConfig.RestartPolicy.MaximumRetryCount}} "
                         "{{.HostConfig.LogConfig.Type}} {{.HostConfig.ReadonlyRootfs}}", name).split()
        assert inspect == ["on-failure", "5", "json-file", "true"]
        health = subprocess.run([need("podman"), "healthcheck", "run", name], env=engine, capture_output=True,
                                text=True, timeout=120)
        assert health.returncode == 0, health.stdout + health.stderr  # the compose healthcheck, run for real
    finally:
        subprocess.run([compose, "-f", "compose.yaml", "-f", "compose.override-test.yaml", "down", "-t", "0"],
                       cwd=project, env=env, capture_output=True, timeout=300)

"""Start the generated compose.yaml with podman-compose and inspect the running container from the host.

The image is a tiny stand-in (static busybox serving the health path, and a /app/healthprobe that asks it), so
the run takes seconds and needs no base images; tests/e2e/test_compose_service.py does the same with the
sample service built from the generated Dockerfile. podman keeps all its state in a temporary directory (runc,
explicit ulimits, no network namespace set-up, as on hosts without a Docker daemon).
"""

from __future__ import annotations

import io
import os
import subprocess
import tarfile
from pathlib import Path

import composerun
import pytest
from conftest import need
from runbake import bake

pytestmark = pytest.mark.e2e

PORT = 8080


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


def test_compose_file_runs_locked_down(tmp_path: Path, engine: dict[str, str]):
    if os.geteuid() != 0:
        pytest.skip("inspecting /proc of the container process needs root")
    project = tmp_path / "svc"
    bake({"stack": "go", "port": PORT, "writable_paths": ["/var/cache/app"], "cpu_limit": "500m",
          "memory_limit": "256Mi", "pids_limit": 128, "uid": 10001, "gid": 10002}, project)
    image = "localhost/svc-standin:1"
    import_ = subprocess.run([need("podman"), "import", "--change", 'ENTRYPOINT ["/app/svc"]',
                              str(standin_tar(tmp_path / "standin.tar")), image], env=engine, capture_output=True,
                             text=True)
    assert import_.returncode == 0, import_.stderr
    env = {**engine, "SVC_IMAGE": image}
    name = composerun.up(project, "svc", env)
    try:
        composerun.assert_locked_down(name, env, uid=10001, gid=10002, memory_mib=256, cpus=0.5, pids=128,
                                      writable=["/var/cache/app"])
        touch_root = subprocess.run([need("podman"), "exec", name, "/bin/busybox", "touch", "/written"], env=env,
                                    capture_output=True, text=True)
        assert touch_root.returncode != 0 and "Read-only" in touch_root.stderr
        touch = subprocess.run([need("podman"), "exec", name, "/bin/busybox", "touch", "/tmp/w", "/var/cache/app/w"],
                               env=env, capture_output=True, text=True)
        assert touch.returncode == 0, touch.stderr
        health = composerun.healthcheck(name, env)
        assert health.returncode == 0, health.stdout + health.stderr
    finally:
        composerun.down(project, env)

"""Start a generated compose.yaml with podman-compose and read the running container's settings from the host.

A compose override detaches the service from its bridge network and published port (creating them would edit
the host's firewall); everything else runs exactly as generated. Used by the stand-in test in tests/outputs and
the real-service test in tests/e2e.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from conftest import need

OVERRIDE_FILE = "compose.override-test.yaml"


def override(service: str) -> str:
    # `!reset` is compose-spec YAML for "drop what the base file set"; written as text because it is a tag.
    return (f"services:\n  {service}:\n    network_mode: none\n    networks: !reset []\n    ports: !reset []\n"
            "networks: !reset {}\n")


def compose(project: Path, env: dict[str, str], *args: str, check: bool = True) -> subprocess.CompletedProcess:
    proc = subprocess.run([need("podman-compose"), "--in-pod", "false", "-f", "compose.yaml", "-f", OVERRIDE_FILE,
                           *args], cwd=project, env=env, capture_output=True, text=True, timeout=600)
    assert not check or proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return proc


def up(project: Path, service: str, env: dict[str, str]) -> str:
    """`podman-compose up -d --no-build`; returns the container's name."""
    (project / OVERRIDE_FILE).write_text(override(service))
    compose(project, env, "up", "-d", "--no-build")
    names = subprocess.run([need("podman"), "ps", "--filter", f"label=com.docker.compose.service={service}",
                            "--format", "{{.Names}}"], env=env, capture_output=True, text=True, check=True)
    return names.stdout.split()[0]


def down(project: Path, env: dict[str, str]) -> None:
    compose(project, env, "down", "-t", "0", check=False)


def pid(name: str, env: dict[str, str]) -> int:
    out = subprocess.run([need("podman"), "inspect", "-f", "{{.State.Pid}}", name], env=env, capture_output=True,
                         text=True, check=True).stdout
    return int(out)


def proc_status(pid: int) -> dict[str, str]:
    lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    return {k: v.strip() for k, _, v in (line.partition(":") for line in lines)}


def mount_options(pid: int) -> dict[str, list[str]]:
    """mount point -> options, as the container sees them."""
    return {f[4]: f[5].split(",") for f in (line.split() for line in
                                            Path(f"/proc/{pid}/mountinfo").read_text().splitlines())}


def cgroup_value(pid: int, controller: str, v1_file: str, v2_file: str) -> str:
    """A limit file of the container's cgroup, for cgroup v1 (per controller) or v2 (unified)."""
    lines = Path(f"/proc/{pid}/cgroup").read_text().splitlines()
    for line in lines:
        _, controllers, path = line.split(":", 2)
        if controller in controllers.split(","):
            return (Path("/sys/fs/cgroup") / controller / path.lstrip("/") / v1_file).read_text().strip()
    unified = next(line.split(":", 2)[2] for line in lines if line.startswith("0::"))
    return (Path("/sys/fs/cgroup") / unified.lstrip("/") / v2_file).read_text().strip()


def assert_locked_down(name: str, env: dict[str, str], uid: int, gid: int, memory_mib: int, cpus: float,
                       pids: int, writable: list[str]) -> None:
    """The controls of compose.yaml, read from the running container rather than from the file."""
    p = pid(name, env)
    status = proc_status(p)
    assert status["Uid"].split() == [str(uid)] * 4 and status["Gid"].split() == [str(gid)] * 4
    for caps in ("CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb"):
        assert int(status[caps], 16) == 0, caps
    assert status["NoNewPrivs"] == "1" and status["Seccomp"] == "2"
    mounts = mount_options(p)
    assert "ro" in mounts["/"]
    assert "rw" in mounts["/tmp"] and "noexec" in mounts["/tmp"]
    for path in writable:
        assert "rw" in mounts[path], path
    assert int(cgroup_value(p, "memory", "memory.limit_in_bytes", "memory.max")) == memory_mib * 1024 * 1024
    assert cgroup_value(p, "pids", "pids.max", "pids.max") == str(pids)
    quota = int(cgroup_value(p, "cpu", "cpu.cfs_quota_us", "cpu.max").split()[0])
    period = int(cgroup_value(p, "cpu", "cpu.cfs_period_us", "cpu.max").split()[-1])
    assert quota / period == cpus
    inspect = subprocess.run([need("podman"), "inspect", "-f",
                              "{{.HostConfig.RestartPolicy.Name}} {{.HostConfig.RestartPolicy.MaximumRetryCount}} "
                              "{{.HostConfig.LogConfig.Type}} {{.HostConfig.ReadonlyRootfs}}", name],
                             env=env, capture_output=True, text=True, check=True).stdout.split()
    assert inspect == ["on-failure", "5", "json-file", "true"]


def healthcheck(name: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    """Run the container's health check (compose's `healthcheck.test`) once, now."""
    return subprocess.run([need("podman"), "healthcheck", "run", name], env=env, capture_output=True, text=True,
                          timeout=120)

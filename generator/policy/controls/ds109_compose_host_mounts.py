"""DS109: no container runtime socket, sensitive host directory or host device in a compose service."""

from __future__ import annotations

from typing import Any, Iterator

from ..finding import Hit
from ..yamlines import pos
from ._compose import hit

ID = "DS109"
TARGET = "compose"
SENSITIVE = ("/", "/etc", "/proc", "/sys", "/boot", "/dev", "/root", "/var/run", "/run", "/var/lib/docker",
             "/usr", "/lib", "/bin", "/sbin")
_SOCKETS = ("docker.sock", "containerd.sock", "crio.sock", "podman.sock")


def _source(volume: Any) -> str | None:
    if isinstance(volume, str):
        parts = volume.split(":")
        return parts[0] if len(parts) > 1 and parts[0].startswith(("/", "~", ".")) else None
    if isinstance(volume, dict) and volume.get("type", "bind") == "bind":
        return str(volume.get("source", ""))
    return None


def check(name: str, service: dict) -> Iterator[Hit]:
    volumes = service.get("volumes") if isinstance(service.get("volumes"), list) else []
    for i, volume in enumerate(volumes):
        source = _source(volume)
        if source is None:
            continue
        clean = source.rstrip("/") or "/"
        if clean.endswith(_SOCKETS) or clean in SENSITIVE:
            yield Hit(f"service {name} mounts the host's {clean}", *pos(volumes, i))
    if service.get("devices"):
        yield hit(service, "devices", f"service {name} maps host devices")

"""DS113: published ports name a host address and avoid privileged host ports and SSH."""

from __future__ import annotations

import re
from typing import Any, Iterator

from ..finding import Hit
from ..yamlines import pos
from ._compose import ports

ID = "DS113"
TARGET = "compose"
# [IP:][HOST_PORT:]TARGET[/PROTOCOL]; `IP::TARGET` (an empty host port) binds a random port of that address only
_SHORT = re.compile(r"^(?:(?P<ip>\[[^\]]+\]|[0-9.]+|[^:]*?):)??(?:(?P<host>[\d-]*):)?(?P<target>[\d-]+)(?:/\w+)?$")


def _parts(spec: Any) -> tuple[str | None, str | None, str]:
    if isinstance(spec, dict):
        return (spec.get("host_ip"), str(spec["published"]) if spec.get("published") is not None else None,
                str(spec.get("target", "")))
    m = _SHORT.match(str(spec))
    if not m:
        return None, None, str(spec)
    return m.group("ip"), m.group("host") or None, m.group("target")


def _first(port: str | None) -> int | None:
    try:
        return int(str(port).split("-")[0])
    except ValueError:
        return None


def check(name: str, service: dict) -> Iterator[Hit]:
    items = ports(service)
    for i, spec in enumerate(items):
        ip, host, target = _parts(spec)
        where = pos(items, i)
        if _first(target) == 22:
            yield Hit(f"service {name} publishes SSH (22)", *where)
        if host is None and ip is None:
            yield Hit(f"service {name} publishes {target} on a random port of every interface", *where)
        elif not ip:
            yield Hit(f"service {name} publishes {host} on every interface; write 127.0.0.1:{host}:{target} "
                      f"(or 0.0.0.0:{host}:{target} when that is meant)", *where)
        if host is not None and (_first(host) or 1024) < 1024:
            yield Hit(f"service {name} publishes privileged host port {host}", *where)

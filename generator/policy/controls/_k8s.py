"""Helpers for Kubernetes controls: walk pod templates and containers with the field paths of findings."""

from __future__ import annotations

from typing import Any, Iterator

from .. import pss
from ..finding import Hit
from ..yamlines import locate

NO_PROBES_KINDS = {"Job", "CronJob"}  # run-to-completion pods need no readiness or liveness probe
_last: list[Any] = [None, ()]  # the object asked about last (held, so its id cannot be reused) and its templates


def templates(obj: Any) -> tuple[pss.PodTemplate, ...]:
    """`pss.pod_specs(obj)`, remembered for the last object: an audit runs every Kubernetes control on one
    object before the next, and each control asks for the same templates."""
    if _last[0] is not obj:
        _last[:] = [obj, tuple(pss.pod_specs(obj))]
    return _last[1]


def hit(obj: Any, field_path: str, message: str) -> Hit:
    return Hit(message, *locate(obj, field_path))


def containers(template: pss.PodTemplate, ephemeral: bool = False) -> Iterator[tuple[dict, str]]:
    """Init and regular containers (and ephemeral ones when asked) with their field paths."""
    keys = ("initContainers", "containers") + (("ephemeralContainers",) if ephemeral else ())
    for key in keys:
        items = template.spec.get(key)
        for i, c in enumerate(items if isinstance(items, list) else []):
            if isinstance(c, dict):
                yield c, f"{template.path}.{key}[{i}]"


def sc(value: Any) -> dict:
    security = value.get("securityContext") if isinstance(value, dict) else None
    return security if isinstance(security, dict) else {}

"""Helpers for Kubernetes controls: walk pod templates and containers with the field paths of findings."""

from __future__ import annotations

from contextlib import contextmanager
from typing import Any, Iterator

from .. import pss
from ..finding import Hit
from ..yamlines import locate

NO_PROBES_KINDS = {"Job", "CronJob"}  # run-to-completion pods need no readiness or liveness probe
_auditing: list[Any] = [None, ()]  # the object the controls are running on, and its pod templates


@contextmanager
def auditing(obj: Any) -> Iterator[None]:
    """While every Kubernetes control runs on `obj` in turn (the audit changes nothing meanwhile), its pod
    templates are found once and shared; outside this, `templates` finds them afresh each time."""
    _auditing[:] = [obj, tuple(pss.pod_specs(obj))]
    try:
        yield
    finally:
        _auditing[:] = [None, ()]


def templates(obj: Any) -> tuple[pss.PodTemplate, ...]:
    """`pss.pod_specs(obj)` as a tuple (shared while the audit runs on `obj`, see `auditing`)."""
    if _auditing[0] is obj:
        return _auditing[1]
    return tuple(pss.pod_specs(obj))


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

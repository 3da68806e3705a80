"""Helpers for compose controls: where a service key sits, and the short and long syntaxes compose allows."""

from __future__ import annotations

from typing import Any

from ..finding import Hit
from ..yamlines import pos


def hit(service: Any, key: str | None, message: str) -> Hit:
    return Hit(message, *pos(service, key))


def security_opts(service: dict) -> list[str]:
    opts = service.get("security_opt")
    return [str(o) for o in opts] if isinstance(opts, list) else []


def ports(service: dict) -> list[Any]:
    value = service.get("ports")
    return value if isinstance(value, list) else []

"""The stack registry: one plug-in module per stack; the keys are the allowed values of `stack`."""

from __future__ import annotations

from types import ModuleType
from typing import Any

from . import dotnet, go, java, node, php, python, ruby, rust, static

STACKS: dict[str, ModuleType] = {
    python.NAME: python,
    node.NAME: node,
    go.NAME: go,
    java.NAME: java,
    rust.NAME: rust,
    dotnet.NAME: dotnet,
    php.NAME: php,
    ruby.NAME: ruby,
    static.NAME: static,
}


def get(name: str) -> ModuleType:
    return STACKS[name]


def frameworks(name: str) -> tuple[str, ...]:
    """The `framework` choices of a stack, default first (`none` for stacks whose build ignores it)."""
    return tuple(getattr(get(name), "FRAMEWORKS", ("none",)))


def main_package(name: str) -> str | None:
    """The default `main_package` of a stack, or None when the stack does not ask for one."""
    return getattr(get(name), "MAIN_PACKAGE", None)


def serves_http(name: str) -> bool:
    """Whether the service answers HTTP on its port (php-fpm speaks FastCGI)."""
    return bool(getattr(get(name), "SERVES_HTTP", True))


def writable_paths(answers: dict[str, Any]) -> list[str]:
    """Paths the stack's runtime must write (mounted as tmpfs/emptyDir by compose and Kubernetes)."""
    module = get(answers["stack"])
    return list(module.writable_paths(answers)) if hasattr(module, "writable_paths") else []

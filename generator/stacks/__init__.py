"""The stack registry: one plug-in module per stack; the keys are the allowed values of `stack`."""

from __future__ import annotations

from types import ModuleType

from . import go, node, python

STACKS: dict[str, ModuleType] = {
    python.NAME: python,
    node.NAME: node,
    go.NAME: go,
}


def get(name: str) -> ModuleType:
    return STACKS[name]

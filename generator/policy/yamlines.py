"""YAML loaded as plain dicts and lists that remember where each key and item sits (1-based line, column).

Controls see ordinary data (so `pss.py` and every check work on it unchanged); findings still point at the
line of the offending field. Built on PyYAML's C parser with the safe constructor.
"""

from __future__ import annotations

import re
from typing import Any, Iterator

import yaml

from ..yamlio import SafeLoader as _Base


class LineDict(dict):
    """A mapping with `pos` (its own start) and `marks` (key -> position of the key)."""

    __slots__ = ("pos", "marks")


class LineList(list):
    """A sequence with `pos` and `marks` (index -> position of the item)."""

    __slots__ = ("pos", "marks")


def _at(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


class _Loader(_Base):  # type: ignore[misc, valid-type]
    """Safe loader whose mappings and sequences carry positions."""


_STR = "tag:yaml.org,2002:str"


def _construct(loader: _Loader, node: yaml.Node) -> Any:
    """`loader.construct_object(node, deep=True)`, short-cut for plain strings (most keys and values of a manifest):
    the safe constructor returns a string scalar's value as it is, so skipping its bookkeeping changes nothing."""
    if node.tag == _STR and type(node) is yaml.ScalarNode:
        return node.value
    return loader.construct_object(node, deep=True)


def _mapping(loader: _Loader, node: yaml.MappingNode) -> Iterator[LineDict]:
    data = LineDict()
    data.pos, data.marks = _at(node), {}
    yield data
    loader.flatten_mapping(node)
    for key_node, value_node in node.value:
        key = _construct(loader, key_node)
        if not isinstance(key, (str, int, float, bool, type(None))):
            raise yaml.constructor.ConstructorError(None, None, "unhashable mapping key", key_node.start_mark)
        data[key] = _construct(loader, value_node)
        data.marks[key] = _at(key_node)


def _sequence(loader: _Loader, node: yaml.SequenceNode) -> Iterator[LineList]:
    data = LineList()
    data.pos, data.marks = _at(node), {}
    yield data
    for i, item in enumerate(node.value):
        data.append(_construct(loader, item))
        data.marks[i] = _at(item)


_Loader.add_constructor("tag:yaml.org,2002:map", _mapping)
_Loader.add_constructor("tag:yaml.org,2002:seq", _sequence)


def load_all(text: str) -> list[Any]:
    """Every document of a YAML stream (empty documents dropped); raises yaml.YAMLError."""
    return [doc for doc in yaml.load_all(text, Loader=_Loader) if doc is not None]  # noqa: S506 - safe


_TOKEN = re.compile(r"\[([^\]]*)\]|([^.\[\]]+)")


def locate(root: Any, field_path: str) -> tuple[int, int]:
    """Position of `a.b[0].c[some.key]` under `root`: the deepest part of the path that exists."""
    node, pos = root, getattr(root, "pos", (1, 1))
    for bracket, plain in _TOKEN.findall(field_path):
        key: Any = plain if plain else bracket
        if isinstance(node, LineList) and isinstance(key, str) and key.isdigit():
            key = int(key)
        marks = getattr(node, "marks", None)
        if marks is None or key not in marks:
            break
        pos, node = marks[key], node[key]
    return pos


def pos(node: Any, key: Any = None) -> tuple[int, int]:
    """Position of `key` in `node` (or of `node` itself)."""
    marks = getattr(node, "marks", {})
    if key is not None and key in marks:
        return marks[key]
    return getattr(node, "pos", (1, 1))

"""YAML loaded as plain dicts and lists that remember where each key and item sits (1-based line, column).

Controls see ordinary data (so `pss.py` and every check work on it unchanged); findings still point at the
line of the offending field. Built on PyYAML's C parser with the safe constructor.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

import yaml

from ..yamlio import SafeLoader as _Base


class LineDict(dict):
    """A mapping with `pos` (its own start mark) and `marks` (key -> start mark of the key); `pos()` and `locate()`
    turn them into (line, column)."""

    __slots__ = ("pos", "marks")


class LineList(list):
    """A sequence with `pos` (its own start mark) and `marks` (index -> start mark of the item)."""

    __slots__ = ("pos", "marks")


def _at(mark: Any) -> tuple[int, int]:
    """1-based (line, column) of a parser mark. Why marks are kept and turned into positions only here: most
    keys are never reported, and the parser has made each mark already."""
    return mark.line + 1, mark.column + 1


_TAGS: dict[tuple[Any, Any, Any], str] = {}  # (node kind, scalar text, implicit flags) -> tag
_TAGS_MAX, _TAG_TEXT_MAX = 1 << 16, 64


class _Loader(_Base):  # type: ignore[misc, valid-type]
    """Safe loader with a memo of tag resolution.

    Why: the C parser asks the Python resolver for the tag of every scalar (a chain of regular expressions), and
    a manifest repeats the same keys and short values again and again. The resolver is a pure function of its
    arguments (no path resolvers are registered), so a memo changes nothing but the time."""

    def __init__(self, stream: Any) -> None:
        super().__init__(stream)
        # The C composer calls these two hooks for every node; with no path resolvers registered they return at
        # once. Builtins whose result is ignored, `{}.get(parent, index)` and `tuple()`, are cheaper calls: 7% of
        # the load time of the benchmark's manifests.
        if not self.yaml_path_resolvers:
            self.descend_resolver, self.ascend_resolver = {}.get, tuple

    def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
        key = (kind, value, implicit)
        tag = _TAGS.get(key)
        if tag is None:
            tag = super().resolve(kind, value, implicit)
            if len(_TAGS) < _TAGS_MAX and (value is None or len(value) <= _TAG_TEXT_MAX):
                _TAGS[key] = tag
        return tag


_STR, _MAP, _SEQ = "tag:yaml.org,2002:str", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"
_SCALAR = yaml.ScalarNode


class _Builder:
    """Turns one document's node graph into LineDicts and LineLists by direct recursion.

    Why not the loader's own construct_object: its generator-based bookkeeping costs more than the YAML parse
    itself on a typical manifest. Everything except plain strings, mappings and sequences (numbers, booleans,
    null, timestamps, unknown tags: an error) still goes through the safe constructor, and shared nodes
    (anchors and aliases, even recursive ones) still become one shared object."""

    def __init__(self, loader: _Loader) -> None:
        self.loader = loader
        self.built: dict[int, Any] = {}

    def build(self, node: yaml.Node) -> Any:
        kind = type(node)
        if kind is yaml.ScalarNode:
            return node.value if node.tag == _STR else self.loader.construct_object(node, deep=True)
        done = self.built.get(id(node))
        if done is not None:
            return done
        if kind is yaml.MappingNode and node.tag == _MAP:
            return self._mapping(node)
        if kind is yaml.SequenceNode and node.tag == _SEQ:
            return self._sequence(node)
        return self.loader.construct_object(node, deep=True)

    # The loops below inline build() for plain strings, most keys and values of a manifest.

    def _mapping(self, node: yaml.MappingNode) -> LineDict:
        data = LineDict()
        data.pos, data.marks = node.start_mark, {}
        marks = data.marks
        self.built[id(node)] = data
        self.loader.flatten_mapping(node)
        for key_node, value_node in node.value:
            if type(key_node) is _SCALAR and key_node.tag == _STR:
                key = key_node.value
            else:
                key = self.build(key_node)
                if not isinstance(key, (str, int, float, bool, type(None))):
                    raise yaml.constructor.ConstructorError(None, None, "unhashable mapping key",
                                                            key_node.start_mark)
            if type(value_node) is _SCALAR and value_node.tag == _STR:
                data[key] = value_node.value
            else:
                data[key] = self.build(value_node)
            marks[key] = key_node.start_mark
        return data

    def _sequence(self, node: yaml.SequenceNode) -> LineList:
        data = LineList()
        data.pos, data.marks = node.start_mark, {}
        marks = data.marks
        self.built[id(node)] = data
        for i, item in enumerate(node.value):
            data.append(item.value if type(item) is _SCALAR and item.tag == _STR else self.build(item))
            marks[i] = item.start_mark
        return data


def load_all(text: str) -> list[Any]:
    """Every document of a YAML stream (empty documents dropped); raises yaml.YAMLError."""
    loader = _Loader(text)
    try:
        docs = []
        while loader.check_node():
            node = loader.get_node()
            doc = _Builder(loader).build(node) if node is not None else None
            if doc is not None:
                docs.append(doc)
        return docs
    finally:
        loader.dispose()


_TOKEN = re.compile(r"\[([^\]]*)\]|([^.\[\]]+)")


@lru_cache(maxsize=2048)
def _keys(field_path: str) -> tuple[tuple[str, int | None], ...]:
    """The parts of a field path, each with its index value when it could be a list index (cached: controls
    report the same few paths again and again)."""
    return tuple((key, int(key) if key.isascii() and key.isdigit() else None)
                 for key in (plain or bracket for bracket, plain in _TOKEN.findall(field_path)))


def locate(root: Any, field_path: str) -> tuple[int, int]:
    """Position of `a.b[0].c[some.key]` under `root`: the deepest part of the path that exists."""
    node, mark = root, getattr(root, "pos", None)
    for name, index in _keys(field_path):
        key: Any = index if index is not None and isinstance(node, LineList) else name
        marks = getattr(node, "marks", None)
        if marks is None or key not in marks:
            break
        mark, node = marks[key], node[key]
    return _at(mark) if mark is not None else (1, 1)


def pos(node: Any, key: Any = None) -> tuple[int, int]:
    """Position of `key` in `node` (or of `node` itself)."""
    marks = getattr(node, "marks", {})
    mark = marks[key] if key is not None and key in marks else getattr(node, "pos", None)
    return _at(mark) if mark is not None else (1, 1)

"""yamlines.load_all gives the same data as PyYAML's safe loader, plus the position of every key and item."""

from __future__ import annotations

import pytest
import yaml

from generator.policy.yamlines import load_all, locate

SAME_AS_SAFE_LOAD = [
    "a: 1\nb: [x, 'y', 2.5, null, true, 2020-01-01, 0x1f, ~]\n",
    "---\n---\nk: v\n...\n",
    "base: &b {x: 1, y: 2}\nd:\n  <<: *b\n  y: 3\nl:\n  <<: [*b, {z: 4}]\n",
    "r: &r [1, *r]\n",
    "m: &m\n  self: *m\n",
    "s: !!set {a, b}\n",
    "'1': 2\n3: four\n",
    "x: !!binary aGVsbG8=\n",
    "o: !!omap [a: 1]\n",
    "t: !!str 123\nu: !!int '7'\n",
    "",
    "- a\n- b\n",
    "just a string\n",
]


@pytest.mark.parametrize("text", SAME_AS_SAFE_LOAD)
def test_data_is_what_the_safe_loader_gives(text: str) -> None:
    assert repr(load_all(text)) == repr([d for d in yaml.safe_load_all(text) if d is not None])


@pytest.mark.parametrize("text", ["? [1]\n: 2\n", "u: !custom 1\n", "a: [1\n", "<<: 3\n"])
def test_what_the_safe_loader_refuses_is_refused(text: str) -> None:
    with pytest.raises(yaml.YAMLError):
        list(yaml.safe_load_all(text))
    with pytest.raises(yaml.YAMLError):
        load_all(text)


def test_keys_and_items_know_their_line_and_column() -> None:
    doc = load_all("kind: Pod\nspec:\n  containers:\n    - name: a\n      image: x\n")[0]
    assert locate(doc, "spec.containers[0].image") == (5, 7)
    assert locate(doc, "spec.containers[0]") == (4, 7)
    assert locate(doc, "spec.containers[3].image") == (3, 3)  # the deepest part that exists: the key
    assert locate(doc, "spec.volumes") == (2, 1)


def test_an_alias_is_one_shared_object() -> None:
    doc = load_all("a: &x {k: v}\nb: *x\n")[0]
    assert doc["a"] is doc["b"]

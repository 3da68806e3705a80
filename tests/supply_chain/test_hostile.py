"""Hostile values for every supply-chain answer: refused with a clear AnswerError naming the key, or written
only as data (YAML/JSON values that parse back to the same string, shell defaults that bash reads back as is)."""

from __future__ import annotations

import json

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.errors import AnswerError

from .supply_matrix import GH, answers, outputs
from .test_policies import script_defaults

FRAGMENTS = ["\n", "\r\n", "\\", '"', "'", "$(id)", "${HOME}", "`id`", "{{ 7*7 }}", "${{ secrets.X }}", "{%",
             "\u202e", "\u2028", "\x00", "é", "🚀", "&&", ";", "|", " ", "#", "--", "a" * 10_000, "@", "..", "//",
             "https://", "file:///", "env://", "/etc/pki/x.gpg", "refs/heads/main"]
hostile = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=12)), min_size=1, max_size=5).map("".join)

# key -> (answers that make it active, the variable that carries it in signing/*.sh, or None)
KEYS = {
    "release_branch": ({**GH}, None),
    "signer_identity": ({**GH}, ("verify.sh", "CERT_IDENTITY")),
    "signer_issuer": ({**GH}, ("verify.sh", "CERT_ISSUER")),
    "cosign_key": ({**GH, "signing": "cosign-key"}, ("sign.sh", "COSIGN_KEY")),
    "notation_key": ({**GH, "signing": "notation"}, ("sign.sh", "NOTATION_KEY")),
    "gpg_fingerprint": ({**GH, "signing": "gpg"}, ("sign.sh", "GPG_FINGERPRINT")),
    "gpg_public_key": ({**GH, "signing": "gpg"}, None),
    "signature_lookaside": ({**GH, "signing": "gpg"}, None),
    "image_repository": ({**GH, "signing": "gpg"}, ("sign.sh", "IMAGE")),
}


def strings(data) -> set[str]:
    """Every string value (and key) in parsed YAML/JSON."""
    if isinstance(data, dict):
        return {s for k, v in data.items() for s in strings(k) | strings(v)}
    if isinstance(data, list):
        return {s for item in data for s in strings(item)}
    return {data} if isinstance(data, str) else set()


def check(key: str, value: str, tmp_path) -> None:
    base, carrier = KEYS[key]
    try:
        a = answers({**base, key: value})
    except AnswerError as err:
        assert err.key == key and "\n" not in str(err)
        return
    files = outputs(a)
    found: set[str] = set()
    for rel, text in files.items():
        if rel.endswith((".yml", ".yaml")):
            found |= set().union(*(strings(d) for d in yaml.safe_load_all(text)))
        elif rel.endswith(".json"):
            found |= strings(json.loads(text))
    assert not value or value in found, "an accepted value appears in the YAML/JSON as exactly itself"
    if carrier:
        script, var = carrier
        path = tmp_path / script
        path.write_text(files[f"signing/{script}"])
        assert script_defaults(path, var) == [value]


@pytest.mark.parametrize("key", list(KEYS))
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=hostile)
def test_hostile_supply_chain_answers(key, value, tmp_path):
    check(key, value, tmp_path)


@pytest.mark.parametrize("key,value", [
    ("signer_identity", "https://github.com/a/b/.github/workflows/x.yml@refs/heads/main;rm${IFS}-rf"),
    ("signer_identity", "https://e.example/a'b"), ("signer_identity", "https://e.example/(a)&b=!*"),
    ("release_branch", "feature/../main"), ("release_branch", "main\n  - evil"), ("release_branch", "a@{1}"),
    ("gpg_public_key", "/etc/../root/key.gpg"), ("signature_lookaside", "file://relative/path"),
    ("cosign_key", "env://X;id"), ("notation_key", "-rf"), ("gpg_fingerprint", "0" * 39),
])
def test_specific_hostile_values(key, value, tmp_path):
    check(key, value, tmp_path)


@pytest.mark.parametrize("key,value", [("signer_identity", "https://e.example/(a)&b=!*;x"),
                                       ("cosign_key", "hashivault://orders+signing=1")])
def test_accepted_shell_metacharacters_stay_literal(key, value, tmp_path):
    """Values that the patterns allow may still hold shell metacharacters: they reach bash only quoted."""
    check(key, value, tmp_path)
    assert answers({**KEYS[key][0], key: value})[key] == value
